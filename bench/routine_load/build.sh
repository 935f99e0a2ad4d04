#!/usr/bin/env bash
# Builds basalt-raw-consume (the raw librdkafka + simdjson limit), outside the main CMake build
# like the other benchmark tools. Output: build/bench-routine-load/basalt-raw-consume (or $1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/../../scripts/common.sh"
out="${1:-$BASALT_ROOT/build/bench-routine-load/basalt-raw-consume}"
[ -f /usr/include/librdkafka/rdkafka.h ] || die "librdkafka headers missing (scripts/install_deps.sh build)"
[ -f /usr/include/simdjson.h ] || die "simdjson headers missing (scripts/install_deps.sh build)"
mkdir -p "$(dirname "$out")"
if [ ! -x "$out" ] || [ "$here/raw_consume.cc" -nt "$out" ]; then
  "${CXX:-g++}" -std=c++20 -O2 -Wall -Wextra -o "$out" "$here/raw_consume.cc" -lrdkafka -lsimdjson
  log "built $out"
fi
echo "$out"
