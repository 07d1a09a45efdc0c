#!/usr/bin/env sh
# The `media-tools` Lambda layer: static ffmpeg and ffprobe for linux-arm64 at bin/, which Lambda
# mounts at /opt/bin (the FFMPEG_PATH/FFPROBE_PATH defaults). Only the executables are kept: the
# installer packages' JavaScript is never loaded on Lambda.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="${1:-$here/../dist/layers/media-tools}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --ignore-scripts: the packages' postinstall only sets the execute bit, done below.
npm install --prefix "$work" --workspaces=false --no-package-lock --no-save --ignore-scripts \
  --os=linux --cpu=arm64 @ffmpeg-installer/linux-arm64@4.1.4 @ffprobe-installer/linux-arm64@5.2.0
rm -rf "$out"
mkdir -p "$out/bin"
cp "$work/node_modules/@ffmpeg-installer/linux-arm64/ffmpeg" "$out/bin/ffmpeg"
cp "$work/node_modules/@ffprobe-installer/linux-arm64/ffprobe" "$out/bin/ffprobe"
chmod 0755 "$out/bin/ffmpeg" "$out/bin/ffprobe"
echo "media-tools layer in $out (zip its contents: bin/ffmpeg, bin/ffprobe)"
