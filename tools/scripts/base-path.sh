#!/usr/bin/env bash
# Prints a PATH that holds only what a fresh machine has: the system's required packages (shell,
# coreutils, tar, util-linux, ...) and the base toolchain the README asks for (Node.js, npm, git,
# python3, make, g++, perl). Commands are linked into a directory of their own, so an extra on this
# machine (ffmpeg, exiftool, ImageMagick, a `convert` stand-in, redis-server, Chromium) cannot hide
# a missing install step:
#
#   PATH="$(bash tools/scripts/base-path.sh)" npm test
#
# The directory is made once per machine state under ${TMPDIR:-/tmp} and its path printed.
set -euo pipefail

dir="${BASE_PATH_DIR:-${TMPDIR:-/tmp}/mediaflow-base-path}"
rm -rf "$dir"
mkdir -p "$dir"

link() {
  # Links `$1` (an absolute path) under its own name unless a command of that name is already there.
  local name
  name=$(basename "$1")
  [ -e "$dir/$name" ] || ln -s "$1" "$dir/$name"
}

# Everything in a bin directory of an essential or required Debian package.
if command -v dpkg-query >/dev/null 2>&1; then
  while read -r pkg; do
    while read -r file; do
      case "$file" in
        /bin/* | /usr/bin/* | /sbin/* | /usr/sbin/*) [ -f "$file" ] && [ -x "$file" ] && link "$file" ;;
      esac
    done < <(dpkg-query -L "$pkg" 2>/dev/null || true)
  done < <(dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' | awk '$2 == "yes" || $3 == "required" { print $1 }')
else
  for file in /bin/* /usr/bin/*; do
    case "$(basename "$file")" in
      sh | bash | dash | env | cat | ls | cp | mv | rm | ln | mkdir | rmdir | chmod | touch | mktemp | dirname | basename | \
        readlink | realpath | head | tail | sort | uniq | wc | tr | cut | sed | grep | awk | find | xargs | tar | gzip | \
        uname | id | date | sleep | kill | nice | prlimit | tee | true | false | test | printf | echo | expr | stat | du | df) link "$file" ;;
    esac
  done
fi

# The base toolchain, wherever this machine keeps it: g++ comes with the binutils it drives (native
# addons such as better-sqlite3 are compiled at `npm ci` when no prebuilt binary can be fetched).
for tool in node npm npx git python3 make gcc g++ cc c++ cpp perl as ld ar ranlib nm strip objcopy objdump readelf; do
  found=$(command -v "$tool" || true)
  case "$found" in
    /*) ln -sfn "$found" "$dir/$tool" ;;
    *) echo "base-path: $tool is not on this machine" >&2 ;;
  esac
done

echo "$dir"
