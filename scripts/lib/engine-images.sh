# shellcheck shell=bash
# Builds the container images the Kubernetes runtime's tests run on their
# node: the engines' images from Debian packages and the Pods' sandbox
# ("pause") image, from the recipes in images/ (see images/README.md).
# Source after common.sh; needs node on PATH.
#
# Each image is an OCI image layout tarball, as `ctr images import` takes
# it, cached outside the checkout under a name that holds the hash of its
# recipe: an image is built again only when its recipe changes.

BASALT_IMAGES_DIR="${BASALT_IMAGES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/basalt/images}"
# The recipes, directories of images/; the index names the images so.
BASALT_IMAGE_RECIPES=(pause postgresql redis)

# The first 16 hex digits of the sha256 over an image's recipe: every file
# of images/<name>/ and the packer.
image_recipe_hash() {
  (
    cd "$BASALT_ROOT/images" &&
      { find "$1" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum && sha256sum build-oci.mjs; } |
      sha256sum | cut -c1-16
  )
}

image_tarball() { printf '%s/%s-%s.oci.tar' "$BASALT_IMAGES_DIR" "$1" "$2"; }

# The machine's Debian package sources as deb822 entries of type `deb`, for
# the images' package installs: the same mirrors and keys as the machine's
# own apt, so no archive address is written anywhere. Reads the deb822
# *.sources files and the one-line sources.list files alike.
host_debian_sources() {
  local deb822=() oneline=() file
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] && deb822+=("$file")
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] && oneline+=("$file")
  done
  {
    if [ ${#deb822[@]} -gt 0 ]; then
      # Paragraphs with `deb` among their types, not disabled, of Debian.
      awk '
        function flush() {
          if (text != "" && deb && !disabled && debian) printf "%s\n", text
          text = ""; deb = 0; disabled = 0; debian = 0
        }
        FNR == 1 || /^[ \t]*$/ { flush() }
        /^[ \t]*$/ || /^#/ { next }
        /^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/); text = text "Types: deb\n"; next }
        /^Enabled:[ \t]*[Nn]o/ { disabled = 1 }
        /^URIs:/ && /debian/ { debian = 1 }
        { text = text $0 "\n" }
        END { flush() }
      ' "${deb822[@]}"
    fi
    if [ ${#oneline[@]} -gt 0 ]; then
      # `deb [options] uri suite components...` lines of Debian.
      awk '
        $1 == "deb" && /debian/ {
          i = 2; options = ""
          if ($2 ~ /^\[/) {
            while (i <= NF) { options = options " " $i; if ($(i++) ~ /\]$/) break }
          }
          printf "Types: deb\nURIs: %s\nSuites: %s\n", $i, $(i + 1)
          components = ""
          for (j = i + 2; j <= NF; j++) components = components (components == "" ? "" : " ") $j
          if (components != "") printf "Components: %s\n", components
          gsub(/[][]/, "", options)
          n = split(options, option, " ")
          for (k = 1; k <= n; k++) {
            split(option[k], pair, "=")
            if (pair[1] == "signed-by") printf "Signed-By: %s\n", pair[2]
            if (pair[1] == "arch") printf "Architectures: %s\n", pair[2]
          }
          printf "\n"
        }
      ' "${oneline[@]}"
    fi
  }
}

# Removes a build directory, unmounting first what a killed mmdebstrap may
# have left mounted in it (/proc, /sys, /dev of the image being built).
remove_image_work() {
  local dir=$1 mount
  while read -r mount; do
    umount -l "$mount" 2>/dev/null || true
  done < <(awk -v dir="$dir/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r)
  rm -rf --one-file-system "$dir"
}

# Builds image $1 with recipe hash $2 into its tarball. Everything happens
# in a directory beside the cache; the finished tarball is renamed into
# place, so the cache never holds half an image.
build_engine_image() {
  local name=$1 hash=$2 recipe="$BASALT_ROOT/images/$1" work started=$SECONDS
  local tarball log="$BASALT_IMAGES_DIR/$1.build.log" suite
  tarball="$(image_tarball "$name" "$hash")"
  suite="$(sed -nE 's/^VERSION_CODENAME="?([^"]*)"?$/\1/p' /etc/os-release)"
  step "Building the $name image from images/$name (recipe $hash; a minute or two)"
  work="$(mktemp -d "$BASALT_IMAGES_DIR/.work-$name.XXXXXX")"
  host_debian_sources >"$work/host.sources"
  if [ -z "$suite" ] || ! grep -q '^Types: deb$' "$work/host.sources"; then
    remove_image_work "$work"
    die "no Debian package sources (or release code name) on this machine to build the $name image from"
  fi
  if ! BASALT_APT_SOURCES="$work/host.sources" BASALT_HOST_SUITE="$suite" \
    bash "$recipe/build.sh" "$work" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    remove_image_work "$work"
    die "building the $name image failed; the whole log is $log"
  fi
  local layers=("$work"/layers/*.tar)
  if ! node "$BASALT_ROOT/images/build-oci.mjs" "$recipe/image.json" "$work/image.oci.tar" \
    "${layers[@]}" >>"$log" 2>&1; then
    tail -n 10 "$log" >&2
    remove_image_work "$work"
    die "packing the $name image failed; the whole log is $log"
  fi
  mv -f "$work/image.oci.tar" "$tarball"
  remove_image_work "$work"
  # Earlier builds of the same image.
  find "$BASALT_IMAGES_DIR" -maxdepth 1 -name "$name-????????????????.oci.tar" \
    ! -name "$(basename "$tarball")" -delete
  info "built in $((SECONDS - started)) s: $tarball ($(du -m "$tarball" | cut -f1) MB)"
}

# Writes index.json: image name -> { ref, tarball }, from the recipes'
# image.json and the current tarballs.
write_images_index() {
  local args=() name
  for name in "${BASALT_IMAGE_RECIPES[@]}"; do
    args+=("$name" "$BASALT_ROOT/images/$name/image.json" "$(image_tarball "$name" "$(image_recipe_hash "$name")")")
  done
  # shellcheck disable=SC2016 # JavaScript
  node -e '
    const fs = require("fs");
    const [out, ...rest] = process.argv.slice(1);
    const index = {};
    for (let i = 0; i < rest.length; i += 3) {
      const [name, recipe, tarball] = rest.slice(i, i + 3);
      index[name] = { ref: JSON.parse(fs.readFileSync(recipe, "utf8")).ref, tarball };
    }
    fs.writeFileSync(`${out}.${process.pid}`, `${JSON.stringify(index, null, 2)}\n`);
    fs.renameSync(`${out}.${process.pid}`, out);
  ' "$BASALT_IMAGES_DIR/index.json" "${args[@]}"
}

# Builds every image whose recipe changed (or that is missing) into
# $BASALT_IMAGES_DIR and refreshes its index.json. Exports BASALT_IMAGES_DIR.
ensure_engine_images() {
  export BASALT_IMAGES_DIR
  command -v node >/dev/null 2>&1 || die "node is needed to pack the engine images (run ensure_node first)"
  mkdir -p "$BASALT_IMAGES_DIR"
  local name hash missing=()
  for name in "${BASALT_IMAGE_RECIPES[@]}"; do
    hash="$(image_recipe_hash "$name")"
    [ -f "$(image_tarball "$name" "$hash")" ] || missing+=("$name")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] ||
      die "building the images (${missing[*]}) needs root (mmdebstrap, chroot); or set BASALT_IMAGES_DIR to a directory holding them"
    ensure_apt mmdebstrap:mmdebstrap gcc:gcc /usr/include/stdio.h:libc6-dev
    # One build at a time; a second run waits and then finds the images.
    local lock work
    exec {lock}>"$BASALT_IMAGES_DIR/.lock"
    flock "$lock"
    # What an interrupted build left behind.
    for work in "$BASALT_IMAGES_DIR"/.work-*; do
      [ -d "$work" ] && remove_image_work "$work"
    done
    for name in "${missing[@]}"; do
      hash="$(image_recipe_hash "$name")"
      [ -f "$(image_tarball "$name" "$hash")" ] || build_engine_image "$name" "$hash"
    done
    exec {lock}>&-
  fi
  write_images_index
  for name in "${BASALT_IMAGE_RECIPES[@]}"; do
    hash="$(image_recipe_hash "$name")"
    info "image $(node -p 'require(process.argv[1]).ref' "$BASALT_ROOT/images/$name/image.json") is cached in $(image_tarball "$name" "$hash")"
  done
}
