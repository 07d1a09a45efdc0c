#!/usr/bin/env sh
# The `media-tools` Lambda layer: ffmpeg and ffprobe for linux-arm64 at bin/, which Lambda mounts
# at /opt/bin (the FFMPEG_PATH/FFPROBE_PATH defaults). LAYER_ARCH=x64 builds the same layer for
# linux-x64 instead, for the simulated stage that runs the functions on an x86_64 machine.
#
# They are Debian bookworm's security-maintained ffmpeg 5.1 (the `ffmpeg` source package of
# bookworm-security, with Debian's patches), cross-compiled for aarch64 with exactly the components
# the pipeline lists in libs/video-pipeline/src/ffmpeg/components.ts and nothing else: no network,
# no devices, no hardware access, no library found on the build machine by chance. libopus, zlib
# and glibc are the static archives of Debian's arm64 -dev packages; dav1d and x264 are built
# from Debian's sources, as Debian ships no position-independent static archive of them. Each
# program is one static-pie executable (ASLR for the whole program, no dynamic loader), so it
# runs on Lambda's Amazon Linux whatever glibc that has.
#
#   sh apps/lambdas/layers/media-tools.sh [out-dir]     (default apps/lambdas/dist-layers/media-tools)
#   LAYER_ARCH=x64 sh apps/lambdas/layers/media-tools.sh [out-dir]
#                                                       (default apps/lambdas/dist-layers/media-tools-x64)
#
# LAYER_ARCH is `arm64` (the default: the layer Lambda runs) or `x64`: the same recipe, the same
# Debian source versions and components, compiled for x86_64-linux-gnu with the native compiler
# against the static archives of Debian's amd64 packages, again as static-pie programs.
#
# Everything comes from Debian through a private apt configuration (its own lists, status and
# cache under the cache directory; the system's apt state is never touched, and root is not
# needed). The build needs a cross compiler and a few tools; it names the Debian packages when one
# is missing. The result is cached under node_modules/.cache/mediaflow/media-tools, keyed by the
# Debian versions of every input, the component lists and these scripts, so a second run only
# checks Debian for updates and copies. The x64 build keeps its own cache (apt state, builds, log)
# under x64/ there, and its key includes the architecture, so the two builds never mix.
set -eu

say() { printf 'media-tools: %s\n' "$*"; }
die() { printf 'media-tools: %s\n' "$*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
components_ts="$root/libs/video-pipeline/src/ffmpeg/components.ts"
helper="$here/media-tools/components.mjs"
cache="${MEDIAFLOW_MEDIA_TOOLS_CACHE:-$root/node_modules/.cache/mediaflow/media-tools}"
# Lambda allows 250 MB unzipped for a function and all its layers together; this layer keeps to
# less than half of that, so the sharp layer and the bundles have room.
limit_mib=120
suite=bookworm
# The architecture built for: Node's name for it (LAYER_ARCH), the GNU triplet, Debian's name,
# meson's CPU family and CPU, and the Debian packages of its compiler and binutils.
arch="${LAYER_ARCH:-arm64}"
case "$arch" in
  arm64)
    out="${1:-$here/../dist-layers/media-tools}"
    target=aarch64-linux-gnu deb_arch=arm64 cpu_family=aarch64 cpu=armv8-a
    compiler_package=gcc-aarch64-linux-gnu binutils_package=binutils-aarch64-linux-gnu
    ;;
  x64)
    out="${1:-$here/../dist-layers/media-tools-x64}"
    target=x86_64-linux-gnu deb_arch=amd64 cpu_family=x86_64 cpu=x86_64
    # On an amd64 machine the native compiler is x86_64-linux-gnu-gcc; elsewhere, Debian's cross one.
    if [ "$(dpkg --print-architecture 2>/dev/null || true)" = amd64 ]; then compiler_package=gcc; else compiler_package=gcc-x86-64-linux-gnu; fi
    binutils_package=binutils-x86-64-linux-gnu
    cache="$cache/x64"
    ;;
  *) die "LAYER_ARCH is arm64 (the default) or x64, not '$arch'" ;;
esac
platform="linux-$arch"
# The static archives and headers linked into the programs, from Debian's packages of that architecture.
sysroot_packages="libc6 libc6-dev linux-libc-dev libopus-dev zlib1g-dev"
started=$(date +%s)

for tool in node apt-get apt-cache dpkg-deb sha256sum tar; do
  command -v "$tool" >/dev/null 2>&1 || die "needs $tool (Debian packages: nodejs, apt, dpkg, coreutils, tar)"
done

# --- the components ---------------------------------------------------------------------------
mkdir -p "$cache"
components_json=$(node "$helper" json "$components_ts") || die "cannot read the component lists of $components_ts"
configure_components=$(node "$helper" configure "$components_ts")

# --- Debian, through a private apt configuration ------------------------------------------------
apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/downloads"
[ -f "$apt_dir/status" ] || : >"$apt_dir/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || die "needs Debian's archive keyring at $keyring (Debian package: debian-archive-keyring)"
cat >"$apt_dir/sources.list" <<EOF
deb [arch=$deb_arch signed-by=$keyring] http://deb.debian.org/debian $suite main
deb [arch=$deb_arch signed-by=$keyring] http://deb.debian.org/debian-security $suite-security main
deb-src [signed-by=$keyring] http://deb.debian.org/debian $suite main
deb-src [signed-by=$keyring] http://deb.debian.org/debian-security $suite-security main
EOF
# Only this file configures apt (it is read first, and points apt away from the system's
# apt.conf.d, whose hooks clean the system's caches); the few settings of the system's that are
# about reaching the archive (proxies, clock checks) are carried over.
mkdir -p "$apt_dir/apt.conf.d"
carried=$(apt-config dump --no-empty 2>/dev/null |
  grep -E '^Acquire::(https?::Proxy|Check-Valid-Until|Check-Date|Retries|ForceIPv4|ForceIPv6) ' || true)
cat >"$apt_dir/apt.conf" <<EOF
Dir::Etc::Parts "$apt_dir/apt.conf.d";
Dir::Etc::Main "/dev/null";
APT::Architecture "$deb_arch";
APT::Architectures { "$deb_arch"; };
Dir::State "$apt_dir";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Etc::SourceList "$apt_dir/sources.list";
Dir::Etc::SourceParts "/dev/null";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "/dev/null";
Dir::Cache "$apt_dir/cache";
Debug::NoLocking "true";
APT::Sandbox::User "root";
Acquire::Languages "none";
$carried
EOF
apt() { APT_CONFIG="$apt_dir/apt.conf" "$@"; }
apt apt-get -qq update >"$apt_dir/update.log" 2>&1 || { cat "$apt_dir/update.log" >&2; die "apt-get update ($deb_arch, $suite) failed"; }

# The versions apt would take of the binary packages, and of the sources they were built from.
# shellcheck disable=SC2086 # one word per package
policy=$(apt apt-cache policy ffmpeg libdav1d-dev libx264-dev $sysroot_packages)
candidate() {
  version=$(printf '%s\n' "$policy" | awk -v p="$1:" '$0 == p { found = 1; next } found && /^  Candidate:/ { print $2; exit }')
  if [ -z "$version" ] || [ "$version" = "(none)" ]; then die "Debian $suite has no $deb_arch package $1"; fi
  echo "$version"
}
source_of() {
  apt apt-cache show "$1=$(candidate "$1")" | awk '
    /^Version:/ && !version { version = $2 }
    /^Source:/ && !source { source = ($3 == "" ? "" : $3) }
    END { gsub(/[()]/, "", source); print (source != "" ? source : version) }'
}
ffmpeg_version=$(source_of ffmpeg)
dav1d_version=$(source_of libdav1d-dev)
x264_version=$(source_of libx264-dev)
if [ -z "$ffmpeg_version" ] || [ -z "$dav1d_version" ] || [ -z "$x264_version" ]; then
  die "cannot tell which ffmpeg, dav1d and x264 sources Debian $suite offers"
fi
inputs="ffmpeg-source $ffmpeg_version
dav1d-source $dav1d_version
x264-source $x264_version"
for package in $sysroot_packages; do
  inputs="$inputs
$package $(candidate "$package")"
done

# ffmpeg calls itself by its upstream version and Debian revision, as Debian's own build does:
# 7:5.1.9-0+deb12u1 -> "5.1.9-0+deb12u1".
no_epoch=${ffmpeg_version#*:}
upstream=${no_epoch%-*}
revision=${no_epoch##*-}
case "$upstream" in 5.1.*) ;; *) die "Debian $suite offers ffmpeg $ffmpeg_version; this recipe is for 5.1.x" ;; esac

scripts_hash=$(cat "$0" "$helper" | sha256sum | cut -c1-64)
components_hash=$(printf '%s' "$components_json" | sha256sum | cut -c1-64)
# The arm64 key is the versions, components and scripts alone; any other architecture's leads with it.
arch_key=""
[ "$arch" = arm64 ] || arch_key="arch $arch
"
key=$(printf '%s%s\ncomponents %s\nscripts %s\n' "$arch_key" "$inputs" "$components_hash" "$scripts_hash" | sha256sum | cut -c1-16)
built="$cache/build-$key"

# --- build, unless this exact build is cached ------------------------------------------------------
if [ -f "$built/.complete" ]; then
  say "cached build $key (ffmpeg $upstream-$revision from Debian $ffmpeg_version)"
else
  missing=""
  need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
  need "$target-gcc" "$compiler_package"
  need "$target-ar" "$binutils_package"
  need "$target-strip" "$binutils_package"
  need "$target-readelf" "$binutils_package"
  # x86's assembly in ffmpeg, x264 and dav1d is NASM's (aarch64's is the GNU assembler's).
  [ "$arch" = arm64 ] || need nasm nasm
  need meson meson
  need ninja ninja-build
  need make make
  need pkg-config pkgconf
  need patch patch
  need xz xz-utils
  if [ -n "$missing" ]; then
    # shellcheck disable=SC2086 # one word per package
    packages=$(printf '%s\n' $missing | sort -u | tr '\n' ' ' | sed 's/ $//')
    die "missing build tools; install them (as root) with: apt-get install -y --no-install-recommends $packages"
  fi

  work=$(mktemp -d "${TMPDIR:-/tmp}/media-tools.XXXXXX")
  stage="$cache/.stage-$key-$$"
  # MEDIA_TOOLS_KEEP_WORK=1 keeps the sources and build trees, to look into a failure.
  trap 'rm -rf "$stage"; if [ -n "${MEDIA_TOOLS_KEEP_WORK:-}" ]; then say "kept $work"; else rm -rf "$work"; fi' EXIT INT TERM
  log="$cache/build.log"
  : >"$log"
  # Long steps go to the log; on failure its end is shown.
  step() {
    say "$1"
    shift
    if ! "$@" >>"$log" 2>&1; then
      tail -n 40 "$log" >&2
      die "failed: $* (the whole log: $log)"
    fi
  }

  say "fetching Debian $suite: sources ffmpeg $ffmpeg_version, dav1d $dav1d_version, x264 $x264_version; $deb_arch $sysroot_packages"
  downloads="$apt_dir/downloads"
  pinned=$(printf '%s\n' "$inputs" | awk '$1 !~ /-source$/ { printf "%s=%s ", $1, $2 }')
  # shellcheck disable=SC2086 # one word per package
  (cd "$downloads" && apt apt-get -qq download $pinned && apt apt-get -qq source --download-only "ffmpeg=$ffmpeg_version" "dav1d=$dav1d_version" "x264=$x264_version") \
    >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die "downloading from Debian failed"; }

  sysroot="$work/sysroot"
  mkdir -p "$sysroot"
  for package in $sysroot_packages; do
    version=$(printf '%s\n' "$inputs" | awk -v p="$package" '$1 == p { print $2 }')
    # Debian's file names drop the epoch's colon into %3a.
    deb="$downloads/${package}_$(printf '%s' "$version" | sed 's/:/%3a/')_$deb_arch.deb"
    [ -f "$deb" ] || die "expected $deb after the download"
    dpkg-deb -x "$deb" "$sysroot"
  done

  # A Debian 3.0 (quilt) source: the upstream tarball with Debian's patches applied in order.
  unpack_source() {
    name=$1 version=${2#*:}
    dir="$work/$name"
    mkdir -p "$dir"
    for tarball in "$downloads/${name}_${version%-*}".orig.tar.* "$downloads/${name}_${version}".debian.tar.*; do
      case "$tarball" in
        *.asc) ;;
        *.orig.tar.*) tar -xf "$tarball" -C "$dir" --strip-components=1 ;;
        *) tar -xf "$tarball" -C "$dir" ;;
      esac
    done
    grep -qx '3.0 (quilt)' "$dir/debian/source/format" || die "$name $version is not a 3.0 (quilt) source"
    if [ -f "$dir/debian/patches/series" ]; then
      sed -e 's/#.*//' "$dir/debian/patches/series" | while read -r patch options; do
        [ -n "$patch" ] || continue
        # shellcheck disable=SC2086 # the series' options, e.g. -p0
        patch -d "$dir" --batch --quiet ${options:--p1} -i "$dir/debian/patches/$patch" || exit 1
      done || die "a Debian patch of $name $version did not apply"
    fi
  }
  unpack_source ffmpeg "$ffmpeg_version"
  unpack_source dav1d "$dav1d_version"
  unpack_source x264 "$x264_version"

  # The compiler (the cross compiler; for x64 on an x86_64 machine, the native one), bound to the
  # sysroot: no header or library of the build machine can be picked up, and neither the sysroot's
  # path nor the work directory's ends up in the programs (ffmpeg prints its configure flags;
  # assertions print source paths).
  real_gcc=$(command -v "$target-gcc")
  mkdir -p "$work/bin"
  printf '#!/bin/sh\nexec "%s" --sysroot="%s" -ffile-prefix-map="%s/"= "$@"\n' "$real_gcc" "$sysroot" "$work" >"$work/bin/$target-gcc"
  chmod 0755 "$work/bin/$target-gcc"
  PATH="$work/bin:$PATH"
  export PATH

  # Debian's hardening, as its packages are built (dpkg-buildflags), for the code compiled here.
  hardening="-fstack-protector-strong -fstack-clash-protection -D_FORTIFY_SOURCE=2"
  jobs=$(nproc 2>/dev/null || echo 2)

  # x86's assembly is NASM's, which meson is told of; aarch64's goes through the compiler.
  nasm_binary=""
  [ "$arch" = arm64 ] || nasm_binary="
nasm = 'nasm'"
  # shellcheck disable=SC2086 # one word per flag
  cat >"$work/cross.ini" <<EOF
[binaries]
c = '$target-gcc'
ar = '$target-ar'
strip = '$target-strip'$nasm_binary

[built-in options]
c_args = [$(printf "'%s', " $hardening | sed 's/, $//')]

[host_machine]
system = 'linux'
cpu_family = '$cpu_family'
cpu = '$cpu'
endian = 'little'
EOF
  step "building dav1d $dav1d_version (static, PIC)" meson setup "$work/dav1d-build" "$work/dav1d" \
    --cross-file "$work/cross.ini" --prefix=/usr --libdir="lib/$target" --buildtype=release \
    --default-library=static -Db_staticpic=true \
    -Denable_tools=false -Denable_tests=false -Denable_examples=false -Denable_docs=false
  step "  compiling dav1d" ninja -C "$work/dav1d-build" -j "$jobs"
  step "  installing dav1d into the sysroot" env DESTDIR="$sysroot" ninja -C "$work/dav1d-build" install

  # Debian's static x264 (debian/confflags: --enable-static --disable-cli), position-independent,
  # and without the OpenCL lookahead, which would dlopen() a GPU driver.
  (cd "$work/x264" && CFLAGS="$hardening" ./configure --host="$target" --cross-prefix="$target-" \
    --prefix=/usr --libdir="/usr/lib/$target" --enable-static --enable-pic --disable-cli --disable-opencl --disable-gpac) \
    >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "x264's configure failed"; }
  step "building x264 $x264_version (static, PIC)" make -C "$work/x264" -j "$jobs"
  step "  installing x264 into the sysroot" make -C "$work/x264" install DESTDIR="$sysroot"

  # pkg-config answers from the sysroot only: nothing of the build machine's own libraries.
  export PKG_CONFIG_LIBDIR="$sysroot/usr/lib/$target/pkgconfig:$sysroot/usr/share/pkgconfig"
  export PKG_CONFIG_SYSROOT_DIR="$sysroot"
  export PKG_CONFIG_PATH=""
  # What Debian's build gets from configure's --toolchain=hardened, which cannot be used here: it
  # puts `-pie` after our `-static-pie` on the link line, and the last one wins (a PIE that wants a
  # dynamic loader).
  ffmpeg_hardening="-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fno-strict-overflow -fstack-protector-all -fstack-clash-protection -fPIE"
  # shellcheck disable=SC2086 # one flag a line
  set -- --enable-cross-compile --arch="$cpu_family" --target-os=linux --cross-prefix="$target-" \
    --pkg-config=pkg-config --pkg-config-flags=--static \
    --extra-version="$revision" --enable-pic \
    --extra-cflags="$ffmpeg_hardening" --extra-ldflags="-Wl,-z,relro -Wl,-z,now" --extra-ldexeflags=-static-pie \
    --disable-shared --enable-static --disable-debug \
    --disable-everything --disable-autodetect --disable-network --disable-devices \
    --disable-avdevice --disable-postproc --disable-doc --disable-ffplay --disable-iconv \
    --enable-zlib $configure_components
  configure_flags=$(printf '%s\n' "$@")
  (cd "$work/ffmpeg" && ./configure "$@") >>"$log" 2>&1 || { tail -n 30 "$log" >&2; tail -n 30 "$work/ffmpeg/ffbuild/config.log" >&2; die "ffmpeg's configure failed"; }
  say "configured ffmpeg $upstream-$revision ($(printf '%s\n' "$@" | wc -l) flags)"
  if grep -q 'did not match anything' "$log"; then
    grep 'did not match anything' "$log" >&2
    die "configure does not know a listed component"
  fi
  added=$(node "$helper" verify "$components_ts" "$work/ffmpeg") || die "the configured build lacks listed components"
  step "compiling ffmpeg and ffprobe ($jobs jobs)" make -C "$work/ffmpeg" -j "$jobs" ffmpeg ffprobe

  for program in ffmpeg ffprobe; do
    "$target-readelf" -l "$work/ffmpeg/$program" | grep -q INTERP && die "$program asks for a dynamic loader: it is not static"
  done

  rm -rf "$stage"
  mkdir -p "$stage/bin" "$stage/share/media-tools/licenses"
  install -m 0755 "$work/ffmpeg/ffmpeg" "$work/ffmpeg/ffprobe" "$stage/bin/"
  licenses="$stage/share/media-tools/licenses"
  cp "$work/ffmpeg/debian/copyright" "$licenses/ffmpeg.copyright"
  cp "$work/ffmpeg/COPYING.GPLv2" "$licenses/ffmpeg.COPYING.GPLv2"
  cp "$work/dav1d/debian/copyright" "$licenses/dav1d.copyright"
  cp "$work/x264/debian/copyright" "$licenses/x264.copyright"
  for package in libc6-dev libopus-dev zlib1g-dev; do
    cp "$sysroot/usr/share/doc/$package/copyright" "$licenses/$package.copyright"
  done
  compiler=$("$target-gcc" --version | head -n 1)
  {
    echo "ffmpeg $upstream-$revision, Debian $suite source ffmpeg $ffmpeg_version, $platform static-pie"
    printf '%s\n' "$inputs"
  } >"$stage/share/media-tools/VERSION"
  INPUTS="$inputs" COMPONENTS="$components_json" ADDED="$added" FLAGS="$configure_flags" \
    VERSION="$upstream-$revision" COMPILER="$compiler" KEY="$key" SUITE="$suite" PLATFORM="$platform" node -e '
      const env = process.env;
      const debian = Object.fromEntries(env.INPUTS.split("\n").map((line) => line.split(" ")));
      const manifest = {
        ffmpeg: env.VERSION,
        platform: env.PLATFORM,
        linkage: "static-pie",
        debian: { suite: env.SUITE, ...debian },
        compiler: env.COMPILER,
        components: JSON.parse(env.COMPONENTS),
        selectedByConfigure: JSON.parse(env.ADDED),
        configure: env.FLAGS.split("\n"),
        key: env.KEY,
      };
      process.stdout.write(JSON.stringify(manifest, null, 2) + "\n");
    ' >"$stage/share/media-tools/manifest.json"
  touch "$stage/.complete"
  rm -rf "$built"
  mv "$stage" "$built"
  # Keep the newest three builds: enough to go back and forth between branches.
  # shellcheck disable=SC2012 # the names are build-<hex>
  ls -dt "$cache"/build-* 2>/dev/null | tail -n +4 | while read -r old; do rm -rf "$old"; done
  say "built in $(($(date +%s) - started)) s"
fi

# --- the layer ------------------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
cp -R "$built/bin" "$built/share" "$out/"
node "$helper" size "$out" "$limit_mib"
say "$(head -n 1 "$out/share/media-tools/VERSION")"
say "layer in $out (zip its contents: bin/ffmpeg, bin/ffprobe, share/media-tools) in $(($(date +%s) - started)) s"
