#!/usr/bin/env sh
# The `sharp` Lambda layer: sharp with its prebuilt libvips for Lambda's linux-arm64 (glibc),
# under nodejs/node_modules, which Lambda mounts at /opt/nodejs/node_modules (on NODE_PATH).
# The version is the one the workspace tests with; bump both together.
#
#   sh apps/lambdas/layers/sharp.sh [out-dir]                  (default apps/lambdas/dist-layers/sharp)
#   LAYER_ARCH=x64 sh apps/lambdas/layers/sharp.sh [out-dir]   (default apps/lambdas/dist-layers/sharp-x64)
#
# LAYER_ARCH is `arm64` (the default: the layer Lambda runs) or `x64`: the same sharp for
# linux-x64 (glibc), for the simulated stage that runs the functions on an x86_64 machine.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
arch="${LAYER_ARCH:-arm64}"
case "$arch" in
  arm64) out="${1:-$here/../dist-layers/sharp}" ;;
  x64) out="${1:-$here/../dist-layers/sharp-x64}" ;;
  *) printf "sharp: LAYER_ARCH is arm64 (the default) or x64, not '%s'\n" "$arch" >&2; exit 1 ;;
esac
rm -rf "$out"
mkdir -p "$out/nodejs"
npm install --prefix "$out/nodejs" --workspaces=false --no-package-lock --no-save --omit=dev \
  --os=linux --cpu="$arch" --libc=glibc sharp@0.35.5
echo "sharp layer in $out (zip its contents: nodejs/node_modules/...)"
