#!/usr/bin/env bash
# The sandbox ("pause") image every Pod starts with: Kubernetes' pause.c
# (build/pause/linux/pause.c of the 1.20.2 source, Apache-2.0), compiled
# statically. One layer with /pause.
#
#   build.sh WORKDIR    writes WORKDIR/layers/1.tar
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work=$1

mkdir -p "$work/root" "$work/layers"
gcc -Os -Wall -static -DVERSION=v3.4.1 -o "$work/root/pause" "$here/pause.c"
strip "$work/root/pause"
"$work/root/pause" -v | grep -qx 'pause.c v3.4.1'
tar --create --file "$work/layers/1.tar" --directory "$work/root" \
  --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=0755 pause
