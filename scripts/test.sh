#!/usr/bin/env bash
# Runs every test tier of Basalt. This is the README's test command and what CI runs.
#
#   scripts/test.sh            all tiers
#   scripts/test.sh unit sql   only the named tiers
#
# Tiers:
#   unit   GoogleTest unit tests (ctest) of the Debug + ASan/UBSan build
#   sql    starts basalt-standalone and runs test/sql (sqllogictest) and test/clients (PyMySQL,
#          mysql-connector-python, SQLAlchemy + starrocks dialect, mariadb CLI, Connector/J,
#          MariaDB Connector/J, protocol abuse) against it
#   e2e    test/e2e: real basalt-fe / basalt-cn processes, real Kafka (KRaft) and MinIO
#   fuzz   clang + libFuzzer build of the fuzz targets, each run for a short time
# Everything it needs is installed first (scripts/install_deps.sh test), idempotently.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/common.sh"
cd "$BASALT_ROOT" || die "cannot enter $BASALT_ROOT"

tiers=("$@")
[ ${#tiers[@]} -eq 0 ] && tiers=(unit sql e2e fuzz)
for t in "${tiers[@]}"; do
  case "$t" in unit|sql|e2e|fuzz) ;; *) die "unknown tier '$t' (unit, sql, e2e, fuzz)" ;; esac
done

start_time=$(date +%s)
"$here/install_deps.sh" test || die "installing dependencies failed"

log "building (Debug, ASan + UBSan)"
cmake --preset debug >/dev/null || die "cmake configure failed"
cmake --build --preset debug || die "build failed"
export BASALT_BIN_DIR="$BASALT_ROOT/build/debug/programs"
# Sanitizer reports fail the test that caused them instead of scrolling by.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

passed=0
failed=0
failed_names=()
record() {  # record <tier> <exit code>
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); log "tier $1: passed"
  else
    failed=$((failed + 1)); failed_names+=("$1"); log "tier $1: FAILED (exit $2)"
  fi
}

free_port() { "$BASALT_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_unit() {
  "$here/check_layout.sh" || return 1
  ctest --test-dir build/debug -j2 --output-on-failure --timeout 300
}

run_sql() {
  local dir ports=() pid rc
  dir="$(mktemp -d)"
  for _ in 1 2 3 4 5 6 7; do ports+=("$(free_port)"); done
  "$BASALT_BIN_DIR/basalt-standalone" --data_dir="$dir" --query_port="${ports[0]}" --http_port="${ports[1]}" \
    --rpc_port="${ports[2]}" --heartbeat_service_port="${ports[3]}" --be_port="${ports[4]}" \
    --be_http_port="${ports[5]}" --brpc_port="${ports[6]}" \
    --enable_storage_volume_access_check=false >"$dir/standalone.out" 2>&1 &
  # (The SQL files create S3 volumes pointing at hosts that do not exist here; reachability
  # checks against a real MinIO are in test/e2e/test_storage_volume_minio.py.)
  pid=$!
  for _ in $(seq 1 300); do
    grep -q "Basalt is running" "$dir/standalone.out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if ! grep -q "Basalt is running" "$dir/standalone.out"; then
    cat "$dir/standalone.out" >&2
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    return 1
  fi
  BASALT_MYSQL_PORT="${ports[0]}" "$here/test_clients.sh" -q
  rc=$?
  kill -TERM "$pid"; wait "$pid"
  local stop_rc=$?
  if [ "$stop_rc" -ne 0 ]; then
    log "basalt-standalone exited with $stop_rc on SIGTERM"; rc=1
  fi
  if grep -l -E "AddressSanitizer|runtime error:|LeakSanitizer" "$dir"/fe/log/* "$dir"/cn/log/* 2>/dev/null; then
    log "sanitizer reports in the server logs above"; rc=1
  fi
  rm -rf "$dir"
  return "$rc"
}

run_e2e() {
  "$here/test_e2e.sh"
}

run_fuzz() {
  command -v clang++ >/dev/null || { log "clang is missing"; return 1; }
  cmake --preset fuzz >/dev/null || return 1
  cmake --build --preset fuzz --target sql_parser_fuzzer mysql_packet_fuzzer journal_reader_fuzzer \
    segment_reader_fuzzer || return 1
  local seconds="${BASALT_FUZZ_SECONDS:-20}" rc=0 corpus
  for f in sql_parser_fuzzer mysql_packet_fuzzer journal_reader_fuzzer segment_reader_fuzzer; do
    corpus="$BASALT_CACHE/fuzz-corpus/$f"
    mkdir -p "$corpus"
    log "fuzzing $f for ${seconds}s"
    mkdir -p "$BASALT_CACHE/fuzz-artifacts"
    "$BASALT_ROOT/build/fuzz/$(dirname_of "$f")/$f" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -artifact_prefix="$BASALT_CACHE/fuzz-artifacts/" -print_final_stats=1 "$corpus" 2>&1 | tail -4 || rc=1
    [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
  done
  return "$rc"
}

dirname_of() {
  case "$1" in
    sql_parser_fuzzer) echo src/fe/sql ;;
    mysql_packet_fuzzer) echo src/fe/mysql ;;
    journal_reader_fuzzer) echo src/fe/journal ;;
    segment_reader_fuzzer) echo src/cn/storage/segment ;;
  esac
}

for t in "${tiers[@]}"; do
  log "=== tier $t ==="
  "run_$t"
  record "$t" $?
done

log "finished in $(( $(date +%s) - start_time ))s"
[ "$failed" -eq 0 ] || log "failed tiers: ${failed_names[*]}"
echo "tiers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
