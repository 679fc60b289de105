"""bc-prep: data preparator of the bc-diagnosis benchmark (MLCube entrypoint, Python 3 standard library only).

Tasks (argv[1]), then `--name=value` arguments exactly as MLCube passes them:
  prepare       --data_path --labels_path --parameters_file --output_path --output_labels_path
  sanity_check  --data_path --labels_path --parameters_file
  statistics    --data_path --labels_path --parameters_file --output_path
Raw input: a folder (or file) with one CSV export, `sample_id` + the 30 WDBC feature columns under their
original names (any order; empty cell = not measured), and a labels CSV `sample_id,diagnosis` with M/B.
Prepared output: data.csv (`id` + the features under short names, z-scored with the fixed means and standard
deviations of parameters.yaml, 6 decimals, empty = missing, rows sorted by id) and labels.csv (`id,label`,
1 = malignant, 0 = benign).
"""

import csv
import math
import os
import sys

sys.dont_write_bytecode = True  # keep the cube folder (and its hash) free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simple_yaml  # noqa: E402


class CubeError(Exception):
    pass


def parse_args(argv):
    if not argv:
        raise CubeError("usage: mlcube.py TASK --name=value ...")
    task, args = argv[0], {}
    for arg in argv[1:]:
        if not arg.startswith("--") or "=" not in arg:
            raise CubeError("unexpected argument %r (expected --name=value)" % arg)
        name, value = arg[2:].split("=", 1)
        args[name] = value
    return task, args


def need(args, *names):
    missing = [n for n in names if n not in args]
    if missing:
        raise CubeError("missing argument(s): " + ", ".join("--" + n for n in missing))
    return [args[n] for n in names]


def find_csv(path, what):
    """A file path is used as is; a folder must hold exactly one .csv file."""
    if os.path.isfile(path):
        return path
    if not os.path.isdir(path):
        raise CubeError("%s: %s does not exist" % (what, path))
    found = sorted(f for f in os.listdir(path) if f.lower().endswith(".csv"))
    if len(found) != 1:
        raise CubeError("%s: expected exactly one .csv file in %s, found %d" % (what, path, len(found)))
    return os.path.join(path, found[0])


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise CubeError("%s is empty" % path)
    return rows[0], rows[1:]


def write_csv(folder, name, header, rows):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def load_params(path):
    params = simple_yaml.load(path)
    if not isinstance(params, dict) or not isinstance(params.get("features"), list):
        raise CubeError("%s: expected a mapping with a `features` list" % path)
    return params


def prepare(args):
    data_path, labels_path, params_file, out, out_labels = need(
        args, "data_path", "labels_path", "parameters_file", "output_path", "output_labels_path"
    )
    p = load_params(params_file)
    id_col, label_col = p["raw_id_column"], p["raw_label_column"]
    positive, negative = p["positive_label"], p["negative_label"]
    data_file = find_csv(data_path, "data_path")
    header, rows = read_csv(data_file)
    index = {name.strip(): i for i, name in enumerate(header)}
    wanted = [id_col] + [f["raw"] for f in p["features"]]
    missing = [c for c in wanted if c not in index]
    if missing:
        raise CubeError("%s: missing column(s): %s" % (data_file, ", ".join(missing)))
    prepared, seen = [], set()
    for line, row in enumerate(rows, 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CubeError("%s line %d: %d fields, the header has %d" % (data_file, line, len(row), len(header)))
        sid = row[index[id_col]].strip()
        if not sid:
            raise CubeError("%s line %d: empty %s" % (data_file, line, id_col))
        if sid in seen:
            raise CubeError("%s line %d: duplicate %s %s" % (data_file, line, id_col, sid))
        seen.add(sid)
        out_row = [sid]
        for f in p["features"]:
            cell = row[index[f["raw"]]].strip()
            if cell == "":
                out_row.append("")  # not measured: kept missing, models decide how to handle it
                continue
            try:
                value = float(cell)
            except ValueError:
                raise CubeError("%s line %d: %s is not a number: %r" % (data_file, line, f["raw"], cell)) from None
            if not math.isfinite(value) or value < 0:
                raise CubeError("%s line %d: %s out of range: %s" % (data_file, line, f["raw"], cell))
            out_row.append("%.6f" % ((value - f["mean"]) / f["std"]))
        prepared.append(out_row)
    if not prepared:
        raise CubeError("%s has no data rows" % data_file)
    labels_file = find_csv(labels_path, "labels_path")
    lheader, lrows = read_csv(labels_file)
    lindex = {name.strip(): i for i, name in enumerate(lheader)}
    for c in (id_col, label_col):
        if c not in lindex:
            raise CubeError("%s: missing column %s" % (labels_file, c))
    labels = {}
    for line, row in enumerate(lrows, 2):
        if not any(cell.strip() for cell in row):
            continue
        sid, value = row[lindex[id_col]].strip(), row[lindex[label_col]].strip().upper()
        if value not in (positive, negative):
            raise CubeError(
                "%s line %d: %s must be %s or %s, found %r" % (labels_file, line, label_col, positive, negative, value)
            )
        if sid in labels:
            raise CubeError("%s line %d: duplicate %s %s" % (labels_file, line, id_col, sid))
        labels[sid] = 1 if value == positive else 0
    unlabelled = sorted(seen - set(labels))
    if unlabelled:
        raise CubeError("%s: no label for %d sample(s), e.g. %s" % (labels_file, len(unlabelled), unlabelled[0]))
    extra = sorted(set(labels) - seen)
    if extra:
        raise CubeError("%s: %d label(s) for unknown samples, e.g. %s" % (labels_file, len(extra), extra[0]))
    prepared.sort(key=lambda r: r[0])
    write_csv(out, "data.csv", ["id"] + [f["name"] for f in p["features"]], prepared)
    write_csv(out_labels, "labels.csv", ["id", "label"], [[r[0], labels[r[0]]] for r in prepared])
    print("prepared %d samples from %s" % (len(prepared), data_file))


def load_prepared(args):
    """Reads and checks the prepared folders; returns (params, header, rows, labels)."""
    data_path, labels_path, params_file = need(args, "data_path", "labels_path", "parameters_file")
    p = load_params(params_file)
    data_file = os.path.join(data_path, "data.csv")
    labels_file = os.path.join(labels_path, "labels.csv")
    for path in (data_file, labels_file):
        if not os.path.isfile(path):
            raise CubeError("%s is missing" % path)
    header, rows = read_csv(data_file)
    expected = ["id"] + [f["name"] for f in p["features"]]
    if header != expected:
        raise CubeError("%s: header differs from the prepared format" % data_file)
    lheader, lrows = read_csv(labels_file)
    if lheader != ["id", "label"]:
        raise CubeError("%s: header must be id,label" % labels_file)
    if not rows:
        raise CubeError("%s has no rows" % data_file)
    limit = float(p.get("max_abs_z", 50))
    ids = []
    for line, row in enumerate(rows, 2):
        if len(row) != len(header):
            raise CubeError("%s line %d: wrong number of fields" % (data_file, line))
        for name, cell in zip(header[1:], row[1:]):
            if cell == "":
                continue
            try:
                z = float(cell)
            except ValueError:
                raise CubeError("%s line %d: %s is not a number" % (data_file, line, name)) from None
            if not math.isfinite(z) or abs(z) > limit:
                raise CubeError("%s line %d: %s = %s is outside +-%g" % (data_file, line, name, cell, limit))
        ids.append(row[0])
    if len(set(ids)) != len(ids):
        raise CubeError("%s: duplicate ids" % data_file)
    labels = {}
    for line, row in enumerate(lrows, 2):
        if len(row) != 2 or row[1] not in ("0", "1"):
            raise CubeError("%s line %d: expected id,0|1" % (labels_file, line))
        labels[row[0]] = int(row[1])
    if sorted(labels) != sorted(ids) or len(labels) != len(lrows):
        raise CubeError("%s and %s do not list the same ids" % (data_file, labels_file))
    return p, header, rows, labels


def sanity_check(args):
    p, header, rows, _ = load_prepared(args)
    limit = float(p["max_missing_fraction"])
    for k, name in enumerate(header[1:], 1):
        missing = sum(1 for r in rows if r[k] == "")
        if missing > limit * len(rows):
            raise CubeError("%s: %d of %d values missing (more than %g)" % (name, missing, len(rows), limit))
    print("sanity check passed: %d samples" % len(rows))


def statistics(args):
    (output_path,) = need(args, "output_path")
    _, header, rows, labels = load_prepared(args)
    positives = sum(labels.values())
    missing = sum(1 for r in rows for cell in r[1:] if cell == "")
    stats = {
        "num_samples": len(rows),
        "num_features": len(header) - 1,
        "num_malignant": positives,
        "num_benign": len(rows) - positives,
        "malignant_fraction": round(positives / len(rows), 6),
        "missing_values": missing,
        "samples_with_missing_values": sum(1 for r in rows if "" in r[1:]),
    }
    parent = os.path.dirname(os.path.abspath(output_path))
    os.makedirs(parent, exist_ok=True)
    simple_yaml.dump(stats, output_path)
    print("statistics written to %s" % output_path)


TASKS = {"prepare": prepare, "sanity_check": sanity_check, "statistics": statistics}


def main(argv):
    try:
        task, args = parse_args(argv)
        if task not in TASKS:
            raise CubeError("unknown task %r (tasks: %s)" % (task, ", ".join(TASKS)))
        TASKS[task](args)
    except (CubeError, simple_yaml.YamlError, OSError, KeyError, ValueError) as e:
        print("bc-prep: %s failed: %s" % (argv[0] if argv else "task", e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
