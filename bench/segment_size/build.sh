#!/usr/bin/env bash
# Builds the segment size benchmark against a release (RelWithDebInfo) build of basalt_segment.
# Not part of the test suite on purpose. Output: build/bench-segment-size/basalt-segment-size (or $1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/../../scripts/common.sh"
out="${1:-$BASALT_ROOT/build/bench-segment-size/basalt-segment-size}"
rel="${BASALT_SEGMENT_REL_DIR:-$BASALT_ROOT/build/segment-rel}"
if [ ! -f "$rel/build.ninja" ]; then
  cmake -S "$BASALT_ROOT" -B "$rel" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null \
    || die "cmake configure of $rel failed"
fi
cmake --build "$rel" --target basalt_segment >&2 || die "building basalt_segment failed"
mkdir -p "$(dirname "$out")"
"${CXX:-g++}" -std=c++20 -O2 -g -Wall -Wextra -I"$BASALT_ROOT/src" -I"$BASALT_ROOT" -o "$out" "$here/segment_size.cc" \
  "$rel/src/cn/storage/segment/libbasalt_segment.a" "$rel/src/engine/libbasalt_engine.a" \
  "$rel/src/common/libbasalt_common.a" -llz4 -lzstd -lcrypto -lpthread
log "built $out"
echo "$out"
