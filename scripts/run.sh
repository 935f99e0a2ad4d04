#!/usr/bin/env bash
# Installs what is missing, builds Basalt (Release) and runs it on this machine: one FE and one
# compute node on 127.0.0.1, data under ./basalt-data (override with --data_dir=DIR). Options are
# passed to basalt-standalone (see: scripts/run.sh --help). Stop with Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/common.sh"
cd "$BASALT_ROOT"

"$here/install_deps.sh" build
if [ ! -x build/release/programs/basalt-standalone ] || [ -n "$(find src programs proto CMakeLists.txt -newer build/release/programs/basalt-standalone -print -quit 2>/dev/null)" ]; then
  log "building Basalt (Release); the first build takes a few minutes"
  cmake --preset release >/dev/null
  cmake --build --preset release --target basalt-fe basalt-cn basalt-standalone
fi
exec build/release/programs/basalt-standalone "$@"
