#!/usr/bin/env bash
# Basalt segment bytes/row vs chDB (embedded ClickHouse) MergeTree bytes/row on identical rows.
#
#   bench/segment_size/run.sh                 # 1M rows, tutorial + event shapes, LZ4 and ZSTD
#   bench/segment_size/run.sh --rows 200k
#   bench/segment_size/run.sh --smoke         # 20k rows, quick check that everything runs
#   bench/segment_size/run.sh --no-chdb       # Basalt only
#
# Steps: build basalt-segment-size (build.sh), write Basalt segments (LZ4 and ZSTD) plus the same rows
# as NDJSON, load the NDJSON into chDB MergeTree tables (default LZ4 and CODEC(ZSTD(3))), OPTIMIZE
# FINAL, compare system.parts.bytes_on_disk / rows. chDB comes from PyPI into the project venv
# (pip step below, skipped when already importable). Temporary data is removed on exit.
# Environment: BASALT_CHDB_SPEC (pip requirement, default chdb==4.4.0), TMPDIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/../../scripts/common.sh"

rows=1m
use_chdb=1
event_key="vtime, event_id"
usage() {
  cat <<EOF
usage: $0 [--rows N] [--smoke] [--no-chdb] [--event-key 'COLS']
  --rows N        rows per shape (default 1m; k/m suffixes accepted)
  --smoke         20k rows
  --no-chdb       Basalt segments only
  --event-key K   ORDER BY of the chDB event table (default '$event_key')
EOF
  exit "${1:-0}"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) [ $# -ge 2 ] || usage 2; rows="$2"; shift 2 ;;
    --smoke) rows=20000; shift ;;
    --no-chdb) use_chdb=0; shift ;;
    --event-key) [ $# -ge 2 ] || usage 2; event_key="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    *) usage 2 ;;
  esac
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/basalt-segsize.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

log "building basalt-segment-size"
prog="$("$here/build.sh" | tail -n 1)"
[ -x "$prog" ] || die "build.sh did not produce the program"

ensure_venv
chdb_note=""
if [ "$use_chdb" = 1 ]; then
  if ! "$BASALT_VENV/bin/python" -c 'import chdb' >/dev/null 2>&1; then
    spec="${BASALT_CHDB_SPEC:-chdb==4.4.0}"
    log "installing $spec into $BASALT_VENV (bench only)"
    if ! "$BASALT_VENV/bin/pip" install --quiet "$spec" >"$tmp/pip.log" 2>&1; then
      chdb_note="pip install $spec failed: $(tail -n 3 "$tmp/pip.log" | tr '\n' ' ')"
    fi
  fi
  if [ -z "$chdb_note" ] && ! err="$("$BASALT_VENV/bin/python" -c 'import chdb' 2>&1)"; then
    chdb_note="import chdb failed: $(printf '%s' "$err" | tail -n 1)"
  fi
  if [ -n "$chdb_note" ]; then
    log "chDB unavailable, reporting Basalt only: $chdb_note"
    use_chdb=0
  fi
fi

log "writing $rows rows per shape (Basalt LZ4 + ZSTD, NDJSON) in $tmp"
"$prog" --rows "$rows" --shape all --compression all --ndjson "$tmp/rows" | tee "$tmp/basalt.txt" >&2

args=(--basalt-output "$tmp/basalt.txt" --ndjson-prefix "$tmp/rows" --workdir "$tmp/chdb"
      --event-key "$event_key")
if [ "$use_chdb" = 0 ]; then
  args+=(--no-chdb)
  [ -n "$chdb_note" ] && args+=(--chdb-note "$chdb_note")
fi
"$BASALT_VENV/bin/python" "$here/compare_chdb.py" "${args[@]}"
