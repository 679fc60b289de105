"""bc-stump: a decision stump on one feature (MLCube entrypoint, Python 3 standard library only).

Task infer: --data_path (prepared folder of bc-prep) --parameters_file (feature, threshold, leaf
probabilities) --output_path (folder; predictions.csv is written).

Known defect, kept on purpose (it plays MedPerf's buggy model): the stump assumes every value is present.
A prepared row whose stump feature is missing (an empty cell, as in hospital C's export) makes it fail.
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


def read_prepared(data_path):
    """Prepared rows of bc-prep: data.csv with `id` and z-scored features; '' = missing."""
    path = os.path.join(data_path, "data.csv") if os.path.isdir(data_path) else data_path
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0][:1] != ["id"]:
        raise CubeError("%s is not a prepared data file (header must start with id)" % path)
    return rows[0][1:], rows[1:]


def write_predictions(output_path, predictions):
    """predictions.csv: `id,probability` (probability of malignant, 6 decimals), in input order."""
    os.makedirs(output_path, exist_ok=True)
    path = os.path.join(output_path, "predictions.csv")
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "probability"])
        for sid, p in predictions:
            w.writerow([sid, "%.6f" % p])
    os.replace(tmp, path)
    print("wrote %d predictions to %s" % (len(predictions), path))


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)

CUBE = "bc-stump"


def infer(args):
    data_path, params_file, output_path = need(args, "data_path", "parameters_file", "output_path")
    params = simple_yaml.load(params_file)
    feature, threshold = params["feature"], float(params["threshold"])
    below, above = float(params["probability_below"]), float(params["probability_above"])
    header, data = read_prepared(data_path)
    if feature not in header:
        raise CubeError("the prepared data has no column %s" % feature)
    k = header.index(feature) + 1
    out = []
    for row in data:
        value = float(row[k])  # the defect: float('') raises on a missing value
        out.append((row[0], above if value > threshold else below))
    write_predictions(output_path, out)


def main(argv):
    try:
        task, args = parse_args(argv)
        if task != "infer":
            raise CubeError("unknown task %r (tasks: infer)" % task)
        infer(args)
    except (CubeError, simple_yaml.YamlError, OSError, KeyError, ValueError) as e:
        print("%s: %s failed: %s" % (CUBE, argv[0] if argv else "task", e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
