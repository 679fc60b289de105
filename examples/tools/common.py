"""Shared helpers of the example-data tools (not shipped in any cube)."""

import csv
import gzip
import io
import os
import tarfile

# sklearn's feature names for breast_cancer.csv, in file order (sklearn/datasets/_base.py, load_breast_cancer).
FEATURES = [
    "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness",
    "mean compactness", "mean concavity", "mean concave points", "mean symmetry",
    "mean fractal dimension", "radius error", "texture error", "perimeter error", "area error",
    "smoothness error", "compactness error", "concavity error", "concave points error",
    "symmetry error", "fractal dimension error", "worst radius", "worst texture",
    "worst perimeter", "worst area", "worst smoothness", "worst compactness", "worst concavity",
    "worst concave points", "worst symmetry", "worst fractal dimension",
]  # fmt: skip

# Fixed tarball timestamp: 2000-01-01T00:00:00Z, so the bytes never depend on when they were built.
TAR_MTIME = 946684800


def prepared_name(raw):
    """'mean radius' -> 'radius_mean', 'radius error' -> 'radius_se', 'worst radius' -> 'radius_worst'."""
    if raw.startswith("mean "):
        base, kind = raw[5:], "mean"
    elif raw.startswith("worst "):
        base, kind = raw[6:], "worst"
    elif raw.endswith(" error"):
        base, kind = raw[:-6], "se"
    else:
        raise ValueError(raw)
    return base.replace(" ", "_") + "_" + kind


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def csv_bytes(header, rows, lineterminator="\n"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def deterministic_tar_gz(files):
    """files: {archive path: bytes}. Sorted entries (with their parent directories), fixed mtime,
    uid/gid 0 with empty names, modes 0644/0755, ustar format; gzip header without name and mtime
    (like `gzip -n`). The same input gives the same bytes on every run."""
    dirs = set()
    for name in files:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    entries = sorted([(d, None) for d in dirs] + list(files.items()), key=lambda e: e[0])
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.mtime = TAR_MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if data is None:
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            else:
                info.mode = 0o644
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()
