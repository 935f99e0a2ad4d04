#!/usr/bin/env bash
# End-to-end tier: real Kafka broker, real MinIO, real client libraries (test/e2e).
#
# Ensures the test dependencies (scripts/install_deps.sh test) and the cached Kafka jars, MinIO
# and mc (scripts/infra install: the first run resolves/builds them, later runs reuse
# $BASALT_CACHE), then runs pytest. Extra arguments go to pytest, e.g.
#   scripts/test_e2e.sh -k minio -x
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/common.sh"

"$here/install_deps.sh" test
command -v java >/dev/null || [ -x "${JAVA_HOME:-/nonexistent}/bin/java" ] \
  || die "Java 17+ is needed for the Kafka broker (Debian: apt-get install openjdk-17-jre-headless)"
"$here/infra" install

cd "$BASALT_ROOT"
exec "$BASALT_VENV/bin/python" -m pytest test/e2e -q "$@"
