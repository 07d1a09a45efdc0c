#!/usr/bin/env sh
# The `tagger-models` Lambda layer: what the on-device tagger loads at run time (Human's COCO object
# and face detectors, nsfwjs, TensorFlow.js with its WebAssembly backend, their models and the
# tagger's worker script) under nodejs/node_modules, which Lambda mounts at /opt/nodejs/node_modules
# (on NODE_PATH). Copied from the workspace's node_modules, at the versions libs/tagging uses (no
# network: run `npm ci` first). WebAssembly and JavaScript only, so the same layer serves arm64 and
# x86_64; the build fails if a native file would get in. sharp, which decodes the pictures, is the
# `sharp` layer's. tagger-models.mjs has the details; it proves the layer by running the worker from
# it alone before it writes the result.
#
#   sh apps/lambdas/layers/tagger-models.sh [out-dir]    (default apps/lambdas/dist-layers/tagger-models)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
node "$here/tagger-models.mjs" "${1:-$here/../dist-layers/tagger-models}"
