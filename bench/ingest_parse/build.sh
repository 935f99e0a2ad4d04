#!/usr/bin/env bash
# Builds the row parser benchmark against a release (RelWithDebInfo) build of basalt_cn_ingest.
# Not part of the test suite on purpose. Output: build/bench-ingest-parse/basalt-row-parser-bench (or $1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/../../scripts/common.sh"
out="${1:-$BASALT_ROOT/build/bench-ingest-parse/basalt-row-parser-bench}"
rel="${BASALT_INGEST_REL_DIR:-$BASALT_ROOT/build/ingest-rel}"
if [ ! -f "$rel/build.ninja" ]; then
  cmake -S "$BASALT_ROOT" -B "$rel" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null \
    || die "cmake configure of $rel failed"
fi
cmake --build "$rel" --target basalt_cn_ingest -- -j2 >&2 || die "building basalt_cn_ingest failed"
mkdir -p "$(dirname "$out")"
"${CXX:-g++}" -std=c++20 -O2 -g -Wall -Wextra -I"$BASALT_ROOT/src" -I"$BASALT_ROOT" -I"$rel/proto" -o "$out" \
  "$here/row_parser_bench.cc" \
  "$rel/src/cn/ingest/libbasalt_cn_ingest.a" "$rel/src/cn/storage/libbasalt_cn_storage.a" \
  "$rel/src/cn/storage/segment/libbasalt_segment.a" "$rel/src/engine/libbasalt_engine.a" \
  "$rel/proto/libbasalt_proto.a" "$rel/src/common/libbasalt_common.a" \
  $(pkg-config --libs protobuf absl_time) -lsimdjson -lrdkafka -llz4 -lzstd -lcrypto -lpthread
log "built $out"
echo "$out"
