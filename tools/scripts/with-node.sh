#!/usr/bin/env bash
# Runs a command on another major version of Node.js, installed from the npm registry, without
# touching the machine's own Node:
#
#   bash tools/scripts/with-node.sh 24 npx nx run-many -t test
#
# Node's own Linux build comes from the registry package node-linux-<arch> and is unpacked under
# node_modules/.cache/mediaflow/node-<version>. Native addons are tied to one Node ABI, so
# better-sqlite3 is compiled for that Node against the headers it ships (once, then cached) and
# swapped in for the run; the original build is put back when the command ends, however it ends.
# The other native modules here (sharp, swc, nx, rolldown, ...) use Node-API and load on any version.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: with-node.sh MAJOR COMMAND [ARG...]" >&2
  exit 2
fi
major=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/node_modules/.cache/mediaflow"
mkdir -p "$cache"

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "with-node: no Node.js package for $(uname -m)" >&2; exit 1 ;;
esac
package="node-linux-$arch"

# The newest release of that major line the registry has.
version=$(npm view "$package@>=$major <$((major + 1))" version --json | node -e '
  const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const list = (Array.isArray(v) ? v : [v]).map(String);
  const key = (s) => s.split(".").map((n) => n.padStart(6, "0")).join(".");
  list.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  process.stdout.write(list.at(-1) ?? "");
')
if [ -z "$version" ]; then
  echo "with-node: the registry has no $package for Node.js $major" >&2
  exit 1
fi
prefix="$cache/node-$version"
if [ ! -x "$prefix/bin/node" ]; then
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
  mkdir -p "$prefix.partial"
  tar -xzf "$work"/"$package"-"$version".tgz -C "$prefix.partial" --strip-components=1
  rm -rf "$work" "$prefix"
  mv "$prefix.partial" "$prefix"
fi
echo "with-node: Node.js $("$prefix/bin/node" --version) from $package@$version" >&2

# better-sqlite3, compiled for this Node once per addon version.
addon="$root/node_modules/better-sqlite3"
if [ -d "$addon" ]; then
  addon_version=$(node -p "require('$addon/package.json').version")
  built="$cache/better-sqlite3-$addon_version-node-$version.node"
  if [ ! -f "$built" ]; then
    gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
    work=$(mktemp -d)
    cp -r "$addon/." "$work/"
    rm -rf "$work/build"
    echo "with-node: compiling better-sqlite3 $addon_version for Node.js $version" >&2
    if [ -f "$gyp" ]; then
      (cd "$work" && PATH="$prefix/bin:$PATH" "$prefix/bin/node" "$gyp" rebuild --release --nodedir="$prefix" >"$work.log" 2>&1)
    else
      (cd "$work" && PATH="$prefix/bin:$PATH" npx --yes node-gyp rebuild --release --nodedir="$prefix" >"$work.log" 2>&1)
    fi || { tail -30 "$work.log" >&2; exit 1; }
    cp "$work/build/Release/better_sqlite3.node" "$built.partial"
    mv "$built.partial" "$built"
    rm -rf "$work" "$work.log"
  fi
  target="$addon/build/Release/better_sqlite3.node"
  saved="$cache/better-sqlite3.node.saved-$$"
  # Swapped by rename, never written in place: a process that has the addon loaded keeps its
  # mapping of the old file instead of crashing on pages changed under it.
  replace() { cp "$1" "$target.swap-$$" && mv -f "$target.swap-$$" "$target"; }
  cp "$target" "$saved"
  trap 'replace "$saved"; rm -f "$saved"' EXIT
  replace "$built"
fi

set +e
PATH="$prefix/bin:$PATH" "$@"
status=$?
set -e
exit "$status"
