"""bc-metrics: metrics of the bc-diagnosis benchmark (MLCube entrypoint, Python 3 standard library only).

Task evaluate: --predictions (folder with predictions.csv `id,probability`, or the file) --labels (prepared
labels folder of bc-prep with labels.csv `id,label`, or the file) --parameters_file (threshold)
--output_path (results.yaml).

results.yaml is a flat mapping: accuracy, auc (rank-based, ties get average ranks), sensitivity, specificity,
f1 (malignant = positive; predicted positive when probability > threshold), coverage (share of labelled
samples that have a prediction). Metrics are computed over the predicted samples; a model that produced no
predictions (MedPerf's partial results) gets .nan for every metric and coverage 0.

Beside the metrics, results.yaml holds `sufficient_statistics` (gitperf reads it into the Result): the number
of cases the metrics were computed on, the confusion counts at the operating threshold, and the counts on a
grid of thresholds 0.00, 0.01, ..., 1.00 (for a pooled ROC-AUC). Counts add across sites, so a leaderboard
pools accuracy, sensitivity, specificity, precision and F1 exactly without case-level data.
"""

import csv
import math
import os
import sys

sys.dont_write_bytecode = True  # keep the cube folder (and its hash) free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simple_yaml  # noqa: E402

NAN = float("nan")


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


def read_pairs(path, header, what):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != header:
        raise CubeError("%s: %s must start with the header %s" % (what, path, ",".join(header)))
    out = {}
    for line, row in enumerate(rows[1:], 2):
        if not row:
            continue
        if len(row) != 2 or row[0] in out:
            raise CubeError("%s: %s line %d: expected one `%s` row per id" % (what, path, line, ",".join(header)))
        out[row[0]] = row[1]
    return out


def auc(scores, labels):
    """Mann-Whitney U / (n_pos * n_neg) with average ranks for tied scores; .nan with one class only."""
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        return NAN
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1  # ranks are 1-based
        i = j + 1
    rank_sum = sum(r for r, y in zip(ranks, labels) if y == 1)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def ratio(a, b):
    return a / b if b else NAN


def confusion(scores, labels, threshold):
    """Counts with malignant = positive, predicted positive when the score is above the threshold."""
    tp = sum(1 for s, y in zip(scores, labels) if s > threshold and y == 1)
    fp = sum(1 for s, y in zip(scores, labels) if s > threshold and y == 0)
    tn = sum(1 for s, y in zip(scores, labels) if s <= threshold and y == 0)
    fn = sum(1 for s, y in zip(scores, labels) if s <= threshold and y == 1)
    return tp, fp, tn, fn


GRID = [i / 100 for i in range(101)]


def sufficient_statistics(scores, labels, threshold):
    def point(t):
        tp, fp, tn, fn = confusion(scores, labels, t)
        return {"threshold": t, "tp": tp, "fp": fp, "tn": tn, "fn": fn}

    return {
        "cases": len(labels),
        "operating_point": point(threshold),
        "threshold_grid": [point(t) for t in GRID],
    }


def metrics(scores, labels, threshold):
    tp, fp, tn, fn = confusion(scores, labels, threshold)
    return {
        "accuracy": ratio(tp + tn, len(labels)),
        "auc": auc(scores, labels),
        "sensitivity": ratio(tp, tp + fn),
        "specificity": ratio(tn, tn + fp),
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
    }


def evaluate(args):
    predictions, labels_path, params_file, output_path = need(
        args, "predictions", "labels", "parameters_file", "output_path"
    )
    threshold = float((simple_yaml.load(params_file) or {}).get("threshold", 0.5))
    labels_file = os.path.join(labels_path, "labels.csv") if os.path.isdir(labels_path) else labels_path
    labels = read_pairs(labels_file, ["id", "label"], "labels")
    if not labels:
        raise CubeError("labels: %s lists no samples" % labels_file)
    for sid, value in labels.items():
        if value not in ("0", "1"):
            raise CubeError("labels: %s: label of %s must be 0 or 1" % (labels_file, sid))
    pred_file = os.path.join(predictions, "predictions.csv") if os.path.isdir(predictions) else predictions
    preds = {}
    if os.path.exists(pred_file):
        preds = read_pairs(pred_file, ["id", "probability"], "predictions")
    else:
        print("no predictions found at %s: every metric is .nan" % pred_file, file=sys.stderr)
    unknown = sorted(set(preds) - set(labels))
    if unknown:
        raise CubeError("predictions for %d unknown id(s), e.g. %s" % (len(unknown), unknown[0]))
    ids = sorted(preds)
    scores = []
    for sid in ids:
        try:
            p = float(preds[sid])
        except ValueError:
            raise CubeError("prediction of %s is not a number: %r" % (sid, preds[sid])) from None
        if not 0 <= p <= 1:
            raise CubeError("prediction of %s is not a probability: %s" % (sid, preds[sid]))
        scores.append(p)
    y = [int(labels[sid]) for sid in ids]
    result = metrics(scores, y, threshold)
    result["coverage"] = len(ids) / len(labels)
    result = {k: (v if math.isnan(v) else round(v, 6)) for k, v in result.items()}
    result["sufficient_statistics"] = sufficient_statistics(scores, y, threshold)
    parent = os.path.dirname(os.path.abspath(output_path))
    os.makedirs(parent, exist_ok=True)
    simple_yaml.dump(result, output_path)
    print("results written to %s" % output_path)


def main(argv):
    try:
        task, args = parse_args(argv)
        if task != "evaluate":
            raise CubeError("unknown task %r (tasks: evaluate)" % task)
        evaluate(args)
    except (CubeError, simple_yaml.YamlError, OSError, KeyError, ValueError) as e:
        print("bc-metrics: %s failed: %s" % (argv[0] if argv else "task", e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
