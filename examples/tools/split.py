#!/usr/bin/env python3
"""Splits examples/data/breast_cancer.csv (scikit-learn's copy of the UCI Wisconsin Diagnostic Breast Cancer
data) deterministically into a training part, a demo set and three hospital sites, written as raw hospital
exports (see examples/README.md for the formats and the deliberate differences between sites).

Usage: python3 examples/tools/split.py [--examples DIR]   (DIR defaults to the examples/ folder of this checkout)
"""

import argparse
import csv
import os
import random
import sys

sys.dont_write_bytecode = True  # keep the cube folder (and its hash) free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FEATURES, csv_bytes, deterministic_tar_gz, write_bytes  # noqa: E402

SEED = 20261127
# Sizes of the parts, in the order the shuffled rows are dealt out (569 rows in all).
PARTS = [("train", 200), ("demo", 30), ("a", 130), ("b", 110), ("c", 99)]
ID_PREFIX = {"train": "T", "demo": "D", "a": "HA", "b": "HB", "c": "HC"}
# Hospital C's lab did not record `worst concave points` for these samples (their 1-based position in the
# site's export); the cell is empty. The preparator keeps such cells empty, the reference model imputes them
# and the stump model fails on them.
SITE_C_MISSING_FEATURE = "worst concave points"
SITE_C_MISSING_ROWS = [7, 42, 88]


def read_sklearn_csv(path):
    """sklearn's breast_cancer.csv: a first line `n_samples,n_features,<target name 0>,<target name 1>`, then
    n_samples rows of n_features values and the target index (0 = malignant, 1 = benign)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        head = next(reader)
        n_samples, n_features = int(head[0]), int(head[1])
        target_names = head[2:]
        if n_features != len(FEATURES) or target_names != ["malignant", "benign"]:
            raise SystemExit("unexpected header in %s: %s" % (path, head))
        rows = []
        for row in reader:
            if len(row) != n_features + 1:
                raise SystemExit("row %d of %s has %d fields" % (len(rows) + 2, path, len(row)))
            diagnosis = {"0": "M", "1": "B"}[row[-1]]
            rows.append((row[:-1], diagnosis))
    if len(rows) != n_samples:
        raise SystemExit("%s declares %d samples but has %d" % (path, n_samples, len(rows)))
    return rows


def export(part, rows, rng):
    """Raw hospital export of one part: {relative path: bytes}."""
    prefix = ID_PREFIX[part]
    ids = ["%s-%04d" % (prefix, i + 1) for i in range(len(rows))]
    columns = list(FEATURES)
    newline = "\n"
    values = [list(v) for v, _ in rows]
    if part == "b":
        # Hospital B's system exports the columns in alphabetical order with Windows line endings.
        columns = sorted(FEATURES)
        values = [[v[FEATURES.index(c)] for c in columns] for v in values]
        newline = "\r\n"
    if part == "c":
        k = FEATURES.index(SITE_C_MISSING_FEATURE)
        for pos in SITE_C_MISSING_ROWS:
            values[pos - 1][k] = ""
    data = csv_bytes(["sample_id"] + columns, [[i] + v for i, v in zip(ids, values)], newline)
    # Labels come from a different system (pathology), in their own order.
    order = list(range(len(rows)))
    rng.shuffle(order)
    labels = csv_bytes(["sample_id", "diagnosis"], [[ids[j], rows[j][1]] for j in order], newline)
    return {"data/records.csv": data, "labels/labels.csv": labels}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", default=os.path.dirname(here))
    args = ap.parse_args()
    data_dir = os.path.join(args.examples, "data")
    rows = read_sklearn_csv(os.path.join(data_dir, "breast_cancer.csv"))
    rng = random.Random(SEED)
    order = list(range(len(rows)))
    rng.shuffle(order)
    if sum(n for _, n in PARTS) != len(rows):
        raise SystemExit("PARTS do not add up to %d rows" % len(rows))
    start = 0
    for part, n in PARTS:
        chunk = [rows[j] for j in order[start : start + n]]
        start += n
        files = export(part, chunk, rng)
        if part == "demo":
            # MedPerf demo tarball layout: paths.yaml at the root names the folders relative to the root.
            tar_files = {"demo_data/" + k: v for k, v in files.items()}
            tar_files["paths.yaml"] = b"data_path: demo_data/data\nlabels_path: demo_data/labels\n"
            write_bytes(os.path.join(data_dir, "demo", "demo.tar.gz"), deterministic_tar_gz(tar_files))
            continue
        folder = os.path.join(data_dir, "train" if part == "train" else os.path.join("sites", part))
        for rel, content in files.items():
            write_bytes(os.path.join(folder, rel), content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
