#!/usr/bin/env bash
# Builds the container images of the example cubes offline with podman:
#   localhost/gitperf/bc-{prep,logreg,metrics,centroid,stump}:0.1
# on the local base image localhost/gitperf/python-base:bookworm (made by scripts/build-python-base.sh when it
# is missing; nothing is pulled from a container registry). Prints each image's id and digest.
# Usage: scripts/build-example-images.sh [cube-folder ...]   (default: all five)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# The CI settings (runc, rlimits) unless the caller chose a containers.conf.
export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/scripts/containers.conf}
"$root/scripts/build-python-base.sh"
exec 9>"${TMPDIR:-/tmp}/gitperf-example-images.lock"
flock 9
cubes=("$@")
[ ${#cubes[@]} -gt 0 ] || cubes=(prep logreg metrics centroid stump)
for c in "${cubes[@]}"; do
  dir="$root/examples/cubes/$c"
  tag="localhost/gitperf/bc-$c:0.1"
  # --pull=never: the base image must come from local storage; --network none: the build needs nothing else.
  podman build --quiet --pull=never --network none --timestamp 0 -f "$dir/Containerfile" -t "$tag" "$dir" >/dev/null
  printf '%s id=sha256:%s digest=%s\n' "$tag" \
    "$(podman image inspect --format '{{.Id}}' "$tag")" "$(podman image inspect --format '{{.Digest}}' "$tag")"
done
