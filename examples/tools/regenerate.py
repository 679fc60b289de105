#!/usr/bin/env python3
"""Regenerates every derived example file from examples/data/breast_cancer.csv: the site exports, the
training split and the demo tarball (split.py), then the model parameters, the logreg weights and their
additional-files tarball (train.py). The output is byte-for-byte deterministic.

Usage: python3 examples/tools/regenerate.py [--examples DIR]
  DIR defaults to this checkout's examples/ folder. With another DIR, only DIR/data/breast_cancer.csv is read;
  everything is written under DIR (test/examples uses this to compare a fresh build with the committed files).
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", default=os.path.dirname(HERE))
    args = ap.parse_args()
    for tool in ("split.py", "train.py"):
        subprocess.run([sys.executable, os.path.join(HERE, tool), "--examples", args.examples], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
