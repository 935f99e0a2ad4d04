#!/usr/bin/env bash
# Runs the protocol-level test tiers against a running MySQL-protocol server:
#   1. tools/slt over test/sql (sqllogictest files),
#   2. pytest over test/clients (real client libraries, the JDBC drivers, protocol abuse)
#      and tools/slt (the runner's own unit tests).
# The server is NOT started here: start Basalt (or a reference MySQL/MariaDB server) first.
#
# Environment: BASALT_MYSQL_HOST (127.0.0.1), BASALT_MYSQL_PORT (9030), BASALT_MYSQL_USER (root),
# BASALT_MYSQL_PASSWORD (empty); BASALT_ORACLE=1 skips Basalt-only assertions in test/clients
# when the target is a reference server.
# Usage: scripts/test_clients.sh [extra pytest args...]
#   e.g. scripts/test_clients.sh -k pymysql -x
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/common.sh"

"$here/install_deps.sh" test || die "installing test dependencies failed"

export BASALT_MYSQL_HOST="${BASALT_MYSQL_HOST:-127.0.0.1}"
export BASALT_MYSQL_PORT="${BASALT_MYSQL_PORT:-9030}"
py="$BASALT_VENV/bin/python"
cd "$BASALT_ROOT" || die "cannot enter $BASALT_ROOT"

log "sqllogictest: test/sql against $BASALT_MYSQL_HOST:$BASALT_MYSQL_PORT"
"$py" tools/slt/slt.py --host "$BASALT_MYSQL_HOST" --port "$BASALT_MYSQL_PORT" test/sql
slt_rc=$?

log "pytest: test/clients and tools/slt"
"$py" -m pytest -p no:cacheprovider tools/slt test/clients "$@"
pytest_rc=$?

if [ "$slt_rc" -ne 0 ] || [ "$pytest_rc" -ne 0 ]; then
  log "FAILED (slt exit $slt_rc, pytest exit $pytest_rc)"
  exit 1
fi
log "all client tests passed"
