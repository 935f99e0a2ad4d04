#!/usr/bin/env bash
# Builds the SELECT 1 load generator (not part of the main CMake build on purpose: it is a tool
# that only needs the MariaDB Connector/C). Output: build/bench-select1/basalt-select1 (or $1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/../../scripts/common.sh"
out="${1:-$BASALT_ROOT/build/bench-select1/basalt-select1}"
command -v mariadb_config >/dev/null \
  || die "MariaDB Connector/C missing (scripts/install_deps.sh bench installs libmariadb-dev)"
mkdir -p "$(dirname "$out")"
if [ ! -x "$out" ] || [ "$here/select1.cc" -nt "$out" ] || [ "$here/build.sh" -nt "$out" ]; then
  # shellcheck disable=SC2046  # mariadb_config prints several flags on purpose
  "${CXX:-g++}" -std=c++20 -O2 -Wall -Wextra -pthread $(mariadb_config --include) \
    -o "$out" "$here/select1.cc" $(mariadb_config --libs)
  log "built $out"
fi
echo "$out"
