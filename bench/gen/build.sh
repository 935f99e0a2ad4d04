#!/usr/bin/env bash
# Builds the benchmark event generator (not part of the main CMake build on purpose: it is a
# tool, it only needs librdkafka). Output: build/bench-gen/basalt-kafka-gen (or $1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/../../scripts/common.sh"
out="${1:-$BASALT_ROOT/build/bench-gen/basalt-kafka-gen}"
[ -f /usr/include/librdkafka/rdkafka.h ] \
  || die "librdkafka headers missing (scripts/install_deps.sh build installs librdkafka-dev)"
mkdir -p "$(dirname "$out")"
if [ ! -x "$out" ] || [ "$here/kafka_gen.cc" -nt "$out" ] || [ "$here/../common/event_fields.h" -nt "$out" ]; then
  "${CXX:-g++}" -std=c++20 -O2 -Wall -Wextra -I"$here/../.." -o "$out" "$here/kafka_gen.cc" -lrdkafka
  log "built $out"
fi
echo "$out"
