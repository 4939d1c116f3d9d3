#!/usr/bin/env bash
# Redis 7.0 from Debian's packages, with the contract of the official
# `redis:7.0` image that Basalt's Kubernetes runtime relies on (see
# images/README.md): the `redis` user and group are 999:999, redis-server
# and redis-cli are on PATH, and the shell tools the runtime's Pod scripts
# use are there. mmdebstrap installs Debian's `essential` set plus
# redis-server as root into a directory, which becomes the image's one layer.
#
#   build.sh WORKDIR    writes WORKDIR/layers/1.tar
#
# Environment: BASALT_APT_SOURCES, a deb822 file with the machine's Debian
# entries (`Types: deb`), and BASALT_HOST_SUITE, their release code name;
# the image's release replaces it, so no archive address is written here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work=$1
suite=bookworm
rootfs="$work/rootfs"

sed "/^Suites:/s/\\<${BASALT_HOST_SUITE:?}\\>/$suite/g" "${BASALT_APT_SOURCES:?}" >"$work/debian.sources"

export BASALT_RECIPE="$here"
excludes=("/usr/share/man/*" "/usr/share/doc/*" "/usr/share/info/*" "/usr/share/locale/*")
dpkg_options=()
for path in "${excludes[@]}"; do dpkg_options+=("--dpkgopt=path-exclude=$path"); done
# The licenses stay.
dpkg_options+=("--dpkgopt=path-include=/usr/share/doc/*/copyright")

# procps: a `kill` program besides the shell's builtin (and `ps`, `pgrep`).
# The package's own service is never started: there is no init in a Pod.
# shellcheck disable=SC2016 # the hook's $1 is the root directory, for mmdebstrap's sh
mmdebstrap --mode=root --variant=essential --include="redis-server,procps" \
  "${dpkg_options[@]}" \
  --essential-hook='sh "$BASALT_RECIPE/essential-user.sh" "$1"' \
  "$suite" "$rootfs" "$work/debian.sources"

rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/*.log
# Nothing of the package's own server setup is used: Basalt writes each
# instance's configuration into its data directory.
rm -f "$rootfs/etc/redis/redis.conf"

# The contract, checked in the image itself.
[ "$(chroot "$rootfs" id -u redis):$(chroot "$rootfs" id -g redis)" = 999:999 ] || {
  echo "redis is not 999:999 in the image: $(chroot "$rootfs" id redis)" >&2
  exit 1
}
chroot "$rootfs" /bin/sh -eu -c '
  for program in sh find rm mkdir mv chown chmod id kill sleep head touch cat dirname du tar gzip grep \
      redis-server redis-cli; do
    found=""
    for dir in /usr/bin /bin /usr/sbin /sbin; do
      if [ -x "$dir/$program" ]; then found=yes; break; fi
    done
    [ -n "$found" ] || { echo "missing in the image: $program" >&2; exit 1; }
  done
'
chroot "$rootfs" redis-server --version

mkdir -p "$work/layers"
tar --create --file "$work/layers/1.tar" --directory "$rootfs" \
  --one-file-system --numeric-owner --sort=name --exclude='./dev/*' .
