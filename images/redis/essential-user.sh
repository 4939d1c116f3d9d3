#!/bin/sh
# mmdebstrap essential hook: creates the `redis` user and group with the
# official image's uid and gid (999) once the Essential packages are in and
# before redis-tools is installed, whose postinst then keeps them (its
# `adduser --system redis` finds the user there).
#
#   essential-user.sh ROOTFS
set -eu
root=$1
if grep -q '^[^:]*:[^:]*:999:' "$root/etc/group" || grep -q '^[^:]*:[^:]*:999:' "$root/etc/passwd"; then
  echo "uid or gid 999 is taken in the image" >&2
  exit 1
fi
echo 'redis:x:999:' >>"$root/etc/group"
echo 'redis:x:999:999::/var/lib/redis:/usr/sbin/nologin' >>"$root/etc/passwd"
# The shadow files exist only once the `passwd` package is in; its postinst
# adds the missing entries itself.
if [ -f "$root/etc/shadow" ]; then echo 'redis:*:0:0:99999:7:::' >>"$root/etc/shadow"; fi
if [ -f "$root/etc/gshadow" ]; then echo 'redis:!::' >>"$root/etc/gshadow"; fi
