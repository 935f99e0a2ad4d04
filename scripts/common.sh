# Shared helpers for Basalt's shell scripts. Source it; do not run it.
BASALT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASALT_CACHE="${BASALT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/basalt}"
BASALT_VENV="${BASALT_VENV:-$BASALT_CACHE/venv}"
export BASALT_ROOT BASALT_CACHE BASALT_VENV

log() { printf '[basalt] %s\n' "$*" >&2; }
die() { printf '[basalt] error: %s\n' "$*" >&2; exit 1; }

# Creates the Python virtual environment the tests use, once.
ensure_venv() {
  if [ ! -x "$BASALT_VENV/bin/python" ]; then
    log "creating Python environment in $BASALT_VENV"
    mkdir -p "$BASALT_CACHE"
    python3 -m venv "$BASALT_VENV" || die "python3 -m venv failed (is python3-venv installed?)"
  fi
}
