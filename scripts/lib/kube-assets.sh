# shellcheck shell=bash
# Provisions a real kube-apiserver and etcd for the Kubernetes runtime's tests,
# following the KUBEBUILDER_ASSETS convention (a directory holding the
# `kube-apiserver` and `etcd` binaries). Source after common.sh.
#
# No kube-apiserver is packaged for Debian, but its source package is: the
# API server is built once from it (a few minutes on two cores) and cached
# outside the checkout, so later runs only check that the binaries are there.
# etcd is Debian's own etcd-server package.

# Where the built assets are cached, per Kubernetes version.
BASALT_KUBE_VERSION="1.20.2"
BASALT_KUBE_ASSETS="${BASALT_KUBE_ASSETS:-${XDG_CACHE_HOME:-$HOME/.cache}/basalt/kubebuilder-assets/$BASALT_KUBE_VERSION}"

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

# Builds kube-apiserver from Debian's source package into $BASALT_KUBE_ASSETS
# and links Debian's etcd beside it. Exports KUBEBUILDER_ASSETS.
ensure_kube_assets() {
  export KUBEBUILDER_ASSETS="$BASALT_KUBE_ASSETS"
  if [ -x "$BASALT_KUBE_ASSETS/kube-apiserver" ] && [ -x "$BASALT_KUBE_ASSETS/etcd" ]; then
    info "kube-apiserver $BASALT_KUBE_VERSION and etcd are cached in $BASALT_KUBE_ASSETS"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || die "provisioning kube-apiserver needs root (apt); or set BASALT_KUBE_ASSETS to a directory with kube-apiserver and etcd"
  ensure_apt go:golang-go /usr/bin/etcd:etcd-server rsync:rsync
  mkdir -p "$BASALT_KUBE_ASSETS"
  if [ ! -x "$BASALT_KUBE_ASSETS/kube-apiserver" ]; then
    step "Building kube-apiserver $BASALT_KUBE_VERSION from Debian's source package (once; several minutes)"
    ensure_deb_src
    local work
    work="$(mktemp -d)"
    (
      cd "$work"
      apt-get source --download-only kubernetes >/dev/null
      tar xzf kubernetes_*.orig.tar.gz
      cd "kubernetes-$BASALT_KUBE_VERSION"
      mkdir -p .go/src/k8s.io
      ln -s ../../.. .go/src/k8s.io/kubernetes
      # The vendored tree predates Go modules: module mode fails to build it.
      GOPATH="$PWD/.go" GOCACHE="$work/gocache" CGO_ENABLED=0 GO111MODULE=off HOME="$work" \
        make WHAT=cmd/kube-apiserver >"$work/build.log" 2>&1 ||
        {
          tail -n 40 "$work/build.log" >&2
          exit 1
        }
      install -m 0755 _output/bin/kube-apiserver "$BASALT_KUBE_ASSETS/kube-apiserver.tmp"
      mv "$BASALT_KUBE_ASSETS/kube-apiserver.tmp" "$BASALT_KUBE_ASSETS/kube-apiserver"
    ) || {
      rm -rf "$work"
      die "building kube-apiserver failed; see the build output above"
    }
    rm -rf "$work"
  fi
  ln -sf /usr/bin/etcd "$BASALT_KUBE_ASSETS/etcd"
  info "kube-apiserver $("$BASALT_KUBE_ASSETS/kube-apiserver" --version) cached in $BASALT_KUBE_ASSETS"
}
