#!/usr/bin/env bash
# PostgreSQL 15 from Debian's packages, with the contract of the official
# `postgres:15` image that Basalt's Kubernetes runtime relies on (see
# images/README.md): the `postgres` user and group are 999:999, the server
# programs are on PATH, and the shell tools the runtime's Pod scripts use are
# there. mmdebstrap installs Debian's `essential` set plus postgresql-15 as
# root into a directory, which becomes the image's one layer.
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
major=15
rootfs="$work/rootfs"

sed "/^Suites:/s/\\<${BASALT_HOST_SUITE:?}\\>/$suite/g" "${BASALT_APT_SOURCES:?}" >"$work/debian.sources"

export BASALT_RECIPE="$here"
excludes=(
  "/usr/share/man/*" "/usr/share/doc/*" "/usr/share/info/*" "/usr/share/locale/*"
  # Just-in-time compilation: PostgreSQL runs without it when its provider
  # (llvmjit.so) is absent, and only that provider needs LLVM (and z3).
  "/usr/lib/postgresql/$major/lib/llvmjit*" "/usr/lib/postgresql/$major/lib/bitcode/*"
  "/usr/lib/*/libLLVM-*" "/usr/lib/llvm-*" "/usr/lib/*/libz3.so*"
)
dpkg_options=()
for path in "${excludes[@]}"; do dpkg_options+=("--dpkgopt=path-exclude=$path"); done
# The licenses stay.
dpkg_options+=("--dpkgopt=path-include=/usr/share/doc/*/copyright")

# procps: a `kill` program besides the shell's builtin (and `ps`, `pgrep`).
# shellcheck disable=SC2016 # the hooks' $1 is the root directory, for mmdebstrap's sh
mmdebstrap --mode=root --variant=essential --include="postgresql-$major,procps" \
  "${dpkg_options[@]}" \
  --setup-hook='mkdir -p "$1/etc/postgresql-common/createcluster.d" &&
    echo "create_main_cluster = false" >"$1/etc/postgresql-common/createcluster.d/00-basalt.conf"' \
  --essential-hook='sh "$BASALT_RECIPE/essential-user.sh" "$1"' \
  "$suite" "$rootfs" "$work/debian.sources"

rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/*.log
# As in the official image: any user may put sockets there.
install -d -m 3777 -o 999 -g 999 "$rootfs/run/postgresql"

# The contract, checked in the image itself.
[ "$(chroot "$rootfs" id -u postgres):$(chroot "$rootfs" id -g postgres)" = 999:999 ] || {
  echo "postgres is not 999:999 in the image: $(chroot "$rootfs" id postgres)" >&2
  exit 1
}
# shellcheck disable=SC2016 # a script for the image's sh
chroot "$rootfs" /bin/sh -eu -c '
  major=$1
  for program in sh find rm mkdir mv chown chmod id kill sleep head touch cat dirname du tar gzip \
      postgres initdb pg_ctl psql pg_isready pg_basebackup pg_rewind pg_controldata; do
    found=""
    for dir in /usr/lib/postgresql/$major/bin /usr/bin /bin /usr/sbin /sbin; do
      if [ -x "$dir/$program" ]; then found=yes; break; fi
    done
    [ -n "$found" ] || { echo "missing in the image: $program" >&2; exit 1; }
  done
  # Nothing may miss a shared library it links (the JIT diet above).
  missing="$(find /usr/bin /usr/sbin /usr/lib -type f \( -perm -u+x -o -name "*.so*" \) \
    -exec ldd {} + 2>/dev/null | grep "not found" || true)"
  [ -z "$missing" ] || { echo "missing libraries in the image:" >&2; echo "$missing" >&2; exit 1; }
' sh "$major"
chroot "$rootfs" "/usr/lib/postgresql/$major/bin/postgres" --version

mkdir -p "$work/layers"
tar --create --file "$work/layers/1.tar" --directory "$rootfs" \
  --one-file-system --numeric-owner --sort=name --exclude='./dev/*' .
