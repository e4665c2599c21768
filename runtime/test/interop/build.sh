#!/bin/sh
# Builds the C++ interop peer (peer.c++ + interop.capnp) against the system
# Cap'n Proto (Debian's capnproto + libcapnp-dev).
#
#   build.sh [BUILD_DIR]      (default /tmp/ww-interop-build)
#
# Prints the path of the peer binary on stdout; compiler output goes to
# stderr. Does nothing but print the path if the binary is newer than
# interop.capnp, peer.c++ and this script. Concurrent runs on the same
# BUILD_DIR are serialised with flock(1) when it is available.
set -eu

src=$(cd "$(dirname "$0")" && pwd)
build=${1:-/tmp/ww-interop-build}
mkdir -p "$build"
build=$(cd "$build" && pwd)
bin="$build/peer"

if command -v flock >/dev/null 2>&1 && [ -z "${WW_INTEROP_LOCKED:-}" ]; then
  WW_INTEROP_LOCKED=1 exec flock "$build/.lock" sh "$0" "$build"
fi

up_to_date() {
  [ -x "$bin" ] || return 1
  for f in "$src/interop.capnp" "$src/peer.c++" "$src/build.sh"; do
    [ "$bin" -nt "$f" ] || return 1
  done
  return 0
}

if ! up_to_date; then
  for tool in capnp capnpc-c++ pkg-config "${CXX:-g++}"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "build.sh: $tool not found" >&2; exit 1; }
  done
  capnp compile -I/usr/include --src-prefix="$src" -oc++:"$build" "$src/interop.capnp" >&2
  trap 'rm -f "$bin.tmp.$$"' EXIT
  # shellcheck disable=SC2046  # pkg-config output is meant to be split
  "${CXX:-g++}" -std=c++17 -O1 -Wall -o "$bin.tmp.$$" -I"$build" \
    "$src/peer.c++" "$build/interop.capnp.c++" \
    $(pkg-config --cflags --libs capnp-rpc) -lpthread >&2
  mv -f "$bin.tmp.$$" "$bin"
fi

echo "$bin"
