#!/usr/bin/env sh
# The `sharp` Lambda layer: sharp with its prebuilt libvips for Lambda's linux-arm64 (glibc),
# under nodejs/node_modules, which Lambda mounts at /opt/nodejs/node_modules (on NODE_PATH).
# The version is the one the workspace tests with; bump both together.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="${1:-$here/../dist-layers/sharp}"
rm -rf "$out"
mkdir -p "$out/nodejs"
npm install --prefix "$out/nodejs" --workspaces=false --no-package-lock --no-save --omit=dev \
  --os=linux --cpu=arm64 --libc=glibc sharp@0.35.5
echo "sharp layer in $out (zip its contents: nodejs/node_modules/...)"
