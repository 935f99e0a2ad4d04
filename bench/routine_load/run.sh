#!/usr/bin/env bash
# Routine load benchmark: Basalt vs the raw librdkafka + simdjson limit vs chDB on the same events,
# then produce-to-visible latency. See run.py for what each phase measures.
#
#   bench/routine_load/run.sh                  # 2M events, 4 partitions, 20 s of latency at 500 msg/s
#   bench/routine_load/run.sh --events 10m --partitions 8
#   bench/routine_load/run.sh --smoke          # 20k events, 5 s of latency: a quick check
#
# Builds the Release binaries (cmake --preset release), the event generator and basalt-raw-consume;
# installs chDB (PyPI, BASALT_CHDB_SPEC, default chdb==4.4.0) into the project venv when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/../../scripts/common.sh"

"$BASALT_ROOT/scripts/install_deps.sh" test >/dev/null
ensure_venv
if ! "$BASALT_VENV/bin/python" -c 'import chdb' >/dev/null 2>&1; then
  spec="${BASALT_CHDB_SPEC:-chdb==4.4.0}"
  log "installing $spec into $BASALT_VENV (bench only)"
  "$BASALT_VENV/bin/pip" install --quiet "$spec" || log "chDB could not be installed; its phase is skipped"
fi
log "building the Release binaries"
(cd "$BASALT_ROOT" && cmake --preset release >/dev/null && \
  cmake --build --preset release --target basalt-fe basalt-cn basalt-standalone >/dev/null)
gen="$("$here/../gen/build.sh" | tail -n 1)"
raw="$("$here/build.sh" | tail -n 1)"
exec "$BASALT_VENV/bin/python" "$here/run.py" --gen "$gen" --raw "$raw" "$@"
