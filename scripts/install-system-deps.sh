#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing. Idempotent and quiet when done.
set -euo pipefail
pkgs=(git python3 podman runc bubblewrap busybox-static debootstrap uidmap openssh-client age)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=''
  [ "$(id -u)" -eq 0 ] || SUDO='sudo'
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
