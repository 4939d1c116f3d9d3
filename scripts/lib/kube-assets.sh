# shellcheck shell=bash
# Provisions a real Kubernetes control and data plane for the Kubernetes
# runtime's tests: kube-apiserver, kube-controller-manager, kubelet and
# kubectl built from Debian's `kubernetes` source package, Debian's etcd,
# and the node's container runtime from Debian packages (containerd, runc,
# the CNI plugins). Source after common.sh.
#
# The binaries are built once (several minutes on two cores) and cached
# outside the checkout, so later runs only check that they are there. The
# cache directory follows the KUBEBUILDER_ASSETS convention: it holds
# `kube-apiserver` and `etcd` (a link to Debian's), and here also the other
# three binaries.

BASALT_KUBE_VERSION="1.20.2"
# The revision of the build recipe below. Change it whenever the recipe
# changes what is built (patches, flags, binaries): machines then build
# into a new directory instead of keeping binaries of the old recipe.
#   r2: reflect2 v1.0.2 (Go >= 1.18), controller-manager, kubelet, kubectl.
BASALT_KUBE_RECIPE_REVISION="r2"
BASALT_KUBE_ASSETS="${BASALT_KUBE_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/basalt/kube/$BASALT_KUBE_VERSION-$BASALT_KUBE_RECIPE_REVISION}"
# What is built from the source package, as `make WHAT=` takes them.
BASALT_KUBE_COMMANDS=(cmd/kube-apiserver cmd/kube-controller-manager cmd/kubelet cmd/kubectl)

# apt-get source needs deb-src entries. They are derived from the machine's
# own Debian sources (same mirrors, suites and keys), so no archive address is
# written here.
ensure_deb_src() {
  if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  local target=/etc/apt/sources.list.d/basalt-deb-src.sources source
  for source in /etc/apt/sources.list.d/*.sources; do
    [ -f "$source" ] || continue
    grep -q 'debian' "$source" || continue
    sed -E 's/^Types:[[:space:]]*deb$/Types: deb-src/' "$source" >>"$target"
    printf '\n' >>"$target"
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -nE 's/^deb (.*debian.*)$/deb-src \1/p' /etc/apt/sources.list \
      >/etc/apt/sources.list.d/basalt-deb-src.list
  fi
  apt-get update -qq
}

# Installs the node's container runtime: containerd, runc and the CNI
# plugins (the tests' nodes only need `loopback`), plus mmdebstrap for the
# engine images. Our containerd always runs with its own --config, so the
# machine's containerd service must neither start now nor at boot with the
# package's /etc/containerd/config.toml: apt's maintainer scripts are kept
# from starting services (policy-rc.d, only for this install) and the unit
# that the package enables is disabled again.
ensure_container_runtime() {
  local had_containerd=yes own_policy=""
  command -v containerd >/dev/null 2>&1 || had_containerd=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# Keeps apt from starting services while Basalt installs packages.\nexit 101\n' \
      >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    own_policy=yes
  fi
  local status=0
  ensure_apt containerd:containerd runc:runc /usr/lib/cni/loopback:containernetworking-plugins \
    mmdebstrap:mmdebstrap || status=$?
  [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
  [ "$status" -eq 0 ] || die "installing the container runtime packages failed"
  # Only a containerd that was installed just now: one the machine already
  # had is its administrator's.
  if [ -z "$had_containerd" ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable containerd.service >/dev/null 2>&1 || true
  fi
}

# Whether every binary of the recipe is in $BASALT_KUBE_ASSETS.
kube_assets_complete() {
  local command
  for command in "${BASALT_KUBE_COMMANDS[@]}"; do
    [ -x "$BASALT_KUBE_ASSETS/${command#cmd/}" ] || return 1
  done
  [ -x "$BASALT_KUBE_ASSETS/etcd" ]
}

# `apt-get <command> <args>` into the current directory, quietly; refreshes
# the package lists once when they are missing or stale.
apt_fetch() {
  apt-get "$@" >apt.log 2>&1 && return 0
  apt-get update -qq && apt-get "$@" >apt.log 2>&1 && return 0
  cat apt.log >&2
  return 1
}

# Builds the binaries in the empty directory $1 and puts them into
# $1/assets; returns non-zero at the first step that fails. Changes the
# working directory: call it in a subshell.
build_kube_assets() {
  local work=$1 src reflect2
  cd "$work" || return 1
  apt_fetch source --download-only kubernetes || return 1
  tar xzf kubernetes_*.orig.tar.gz || return 1
  src="$work/kubernetes-$BASALT_KUBE_VERSION"
  [ -d "$src" ] || {
    echo "the source package does not hold Kubernetes $BASALT_KUBE_VERSION" >&2
    return 1
  }
  # The vendored reflect2 v1.0.1 crashes on Go >= 1.18 (a nil pointer in
  # json-iterator's map decoding, e.g. any `?pretty=true` request for Pods).
  # v1.0.2 fixes it; Debian packages it as Go source, which is unpacked
  # here, not installed, and replaces the vendored copy before anything is
  # compiled.
  apt_fetch download golang-github-modern-go-reflect2-dev || return 1
  dpkg-deb -x golang-github-modern-go-reflect2-dev_*.deb "$work/reflect2" || return 1
  reflect2="$work/reflect2/usr/share/gocode/src/github.com/modern-go/reflect2"
  [ -f "$reflect2/go_above_118.go" ] || {
    echo "golang-github-modern-go-reflect2-dev is not reflect2 >= 1.0.2 (no go_above_118.go)" >&2
    return 1
  }
  rm -f "$src"/vendor/github.com/modern-go/reflect2/*.go "$src"/vendor/github.com/modern-go/reflect2/*.s
  cp "$reflect2"/*.go "$reflect2"/*.s "$src/vendor/github.com/modern-go/reflect2/" || return 1

  cd "$src" || return 1
  mkdir -p .go/src/k8s.io && ln -s ../../.. .go/src/k8s.io/kubernetes || return 1
  # The vendored tree predates Go modules: module mode fails to build it.
  # Static binaries (no cgo), all in one make so they share the Go cache.
  GOPATH="$src/.go" GOCACHE="$work/gocache" CGO_ENABLED=0 GO111MODULE=off HOME="$work" \
    make WHAT="${BASALT_KUBE_COMMANDS[*]}" >"$work/build.log" 2>&1 || {
    tail -n 40 "$work/build.log" >&2
    return 1
  }
  mkdir -p "$work/assets"
  local command name
  for command in "${BASALT_KUBE_COMMANDS[@]}"; do
    name="${command#cmd/}"
    install -m 0755 "_output/bin/$name" "$work/assets/$name" || return 1
  done
  "$work/assets/kube-apiserver" --version | grep -qx "Kubernetes v$BASALT_KUBE_VERSION" || {
    echo "the built kube-apiserver is not $BASALT_KUBE_VERSION: $("$work/assets/kube-apiserver" --version)" >&2
    return 1
  }
  ln -s /usr/bin/etcd "$work/assets/etcd"
}

# Builds kube-apiserver, kube-controller-manager, kubelet and kubectl from
# Debian's source package into $BASALT_KUBE_ASSETS (once), links Debian's
# etcd beside them, and installs the container runtime packages. Exports
# KUBEBUILDER_ASSETS and BASALT_KUBE_ASSETS (the same directory).
ensure_kube_assets() {
  export BASALT_KUBE_ASSETS
  export KUBEBUILDER_ASSETS="$BASALT_KUBE_ASSETS"
  if kube_assets_complete && command -v containerd >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 &&
    [ -e /usr/lib/cni/loopback ] && command -v mmdebstrap >/dev/null 2>&1; then
    info "Kubernetes $BASALT_KUBE_VERSION ($BASALT_KUBE_RECIPE_REVISION) binaries and etcd are cached in $BASALT_KUBE_ASSETS"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] ||
    die "provisioning Kubernetes needs root (apt); or set BASALT_KUBE_ASSETS to a directory with ${BASALT_KUBE_COMMANDS[*]#cmd/} and etcd, and install containerd, runc and containernetworking-plugins"
  ensure_apt go:golang-go make:make rsync:rsync /usr/bin/etcd:etcd-server
  ensure_container_runtime
  mkdir -p "$BASALT_KUBE_ASSETS"
  # One build at a time; a second run waits and then finds the binaries.
  local lock
  exec {lock}>"$BASALT_KUBE_ASSETS.lock"
  flock "$lock"
  if ! kube_assets_complete; then
    step "Building Kubernetes $BASALT_KUBE_VERSION (${BASALT_KUBE_COMMANDS[*]#cmd/}) from Debian's source package (once; about ten minutes)"
    ensure_deb_src
    # A fixed place beside the cache, emptied first: an interrupted build
    # leaves nothing behind for long.
    local work="$BASALT_KUBE_ASSETS.build" started=$SECONDS
    rm -rf "$work"
    mkdir -p "$work"
    if ! (build_kube_assets "$work"); then
      rm -rf "$work"
      die "building Kubernetes failed; see the output above"
    fi
    # Each file is copied beside its final name and renamed over it, so the
    # directory never holds half a binary; it counts as complete only once
    # the last one is in place.
    local file name
    for file in "$work"/assets/*; do
      name="$(basename "$file")"
      if ! { cp -P "$file" "$BASALT_KUBE_ASSETS/.$name.new" &&
        mv -f -T "$BASALT_KUBE_ASSETS/.$name.new" "$BASALT_KUBE_ASSETS/$name"; }; then
        rm -rf "$work"
        die "could not install $name into $BASALT_KUBE_ASSETS"
      fi
    done
    rm -rf "$work"
    info "built in $((SECONDS - started)) s"
  fi
  exec {lock}>&-
  info "$("$BASALT_KUBE_ASSETS/kube-apiserver" --version), kube-controller-manager, kubelet, kubectl and etcd are in $BASALT_KUBE_ASSETS"
}
