#!/usr/bin/env bash
# Builds the local base image for the example cubes, localhost/gitperf/python-base:bookworm:
# a minimal Debian 12 root filesystem with python3-minimal, made by debootstrap and imported into podman.
# Nothing is pulled from a container registry; only Debian's package mirror is used.
# Skips the work when the image already exists (pass --force to rebuild).
set -euo pipefail
IMAGE=localhost/gitperf/python-base:bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
force=0
# Concurrent callers (parallel test workers) wait for one build instead of racing.
exec 9>"${TMPDIR:-/tmp}/gitperf-python-base.lock"
flock 9
[ "${1:-}" = "--force" ] && force=1
if [ "$force" -eq 0 ] && podman image exists "$IMAGE"; then
  echo "$IMAGE already exists (use --force to rebuild)"
  exit 0
fi
SUDO=''
[ "$(id -u)" -eq 0 ] || SUDO='sudo'
dir=$(mktemp -d "${TMPDIR:-/tmp}/gitperf-python-base.XXXXXX")
trap '$SUDO rm -rf "$dir"' EXIT
# minbase: only essential packages; python3-minimal brings the interpreter and the modules the cubes use
# (os, sys, csv, math). The apt caches and lists are dropped to keep the image small.
$SUDO debootstrap --variant=minbase --include=python3-minimal bookworm "$dir/root" "$MIRROR" >"$dir/debootstrap.log" 2>&1 ||
  { tail -20 "$dir/debootstrap.log" >&2; exit 1; }
$SUDO rm -rf "$dir/root/var/cache/apt/archives/"*.deb "$dir/root/var/lib/apt/lists/"* "$dir/root/var/log/"*
$SUDO tar -C "$dir/root" --numeric-owner -c . | podman import \
  --change 'CMD ["python3"]' --message 'gitperf python base (debootstrap bookworm minbase + python3-minimal)' \
  - "$IMAGE" >/dev/null
echo "built $IMAGE $(podman image inspect --format '{{.Id}}' "$IMAGE")"
