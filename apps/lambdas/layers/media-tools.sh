#!/usr/bin/env sh
# The `media-tools` Lambda layer: static ffmpeg and ffprobe for linux-arm64 at bin/, which Lambda
# mounts at /opt/bin (the FFMPEG_PATH/FFPROBE_PATH defaults). Only the executables are kept: the
# installer packages' JavaScript is never loaded on Lambda.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="${1:-$here/../dist-layers/media-tools}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The packages declare cpu arm64, so npm refuses to install them on another machine whatever the
# flags; their tarballs are fetched as they are and only the executables taken out.
(cd "$work" && npm pack --silent @ffmpeg-installer/linux-arm64@4.1.4 @ffprobe-installer/linux-arm64@5.2.0 >/dev/null)
rm -rf "$out"
mkdir -p "$out/bin" "$work/ffmpeg" "$work/ffprobe"
tar -xzf "$work"/ffmpeg-installer-linux-arm64-4.1.4.tgz -C "$work/ffmpeg"
tar -xzf "$work"/ffprobe-installer-linux-arm64-5.2.0.tgz -C "$work/ffprobe"
cp "$work/ffmpeg/package/ffmpeg" "$out/bin/ffmpeg"
cp "$work/ffprobe/package/ffprobe" "$out/bin/ffprobe"
chmod 0755 "$out/bin/ffmpeg" "$out/bin/ffprobe"
echo "media-tools layer in $out (zip its contents: bin/ffmpeg, bin/ffprobe)"
