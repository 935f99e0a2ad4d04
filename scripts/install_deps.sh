#!/usr/bin/env bash
# Installs everything Basalt needs to build and test on a Debian 12 machine.
#
# Idempotent: every step checks first and does nothing when the thing is already there, so
# running it on every build costs a few hundred milliseconds. Groups:
#   build   compilers, CMake/Ninja/ccache/mold and the C++ libraries we link (default)
#   test    + client tools and Python packages the test tiers use (mariadb CLI, PyMySQL, ...)
#   bench   + peers that only benchmarks need (MariaDB server, ...)
# Usage: scripts/install_deps.sh [build|test|bench]
set -euo pipefail

group="${1:-build}"
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/common.sh"

build_packages=(
  build-essential cmake ninja-build ccache mold pkg-config git
  clang libclang-rt-14-dev
  libssl-dev zlib1g-dev libfmt-dev libgtest-dev libgmock-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc libabsl-dev
  libcpp-httplib-dev
  librdkafka-dev libsimdjson-dev libzstd-dev liblz4-dev libxxhash-dev libcurl4-openssl-dev libpugixml-dev
)
test_packages=(mariadb-client)
bench_packages=(mariadb-server libmariadb-dev)

python_test_packages=(
  "pytest>=7" "pyyaml>=6" "pymysql>=1.0" "mysql-connector-python>=8" "sqlalchemy>=1.4,<3" "starrocks>=1.0"
  "kafka-python>=2.2" "boto3>=1.34"
)

packages=("${build_packages[@]}")
case "$group" in
  build) ;;
  test) packages+=("${test_packages[@]}") ;;
  bench) packages+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) die "unknown group '$group' (expected build, test or bench)" ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root or install them)"
  log "installing Debian packages: ${missing[*]}"
  stamp=/var/lib/apt/periodic/basalt-update-stamp
  if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
    apt-get update -qq
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null || die "apt-get install failed for: ${missing[*]}"
fi

if [ "$group" != build ]; then
  ensure_venv
  want_file="$BASALT_VENV/.basalt-requirements"
  want="${python_test_packages[*]}"
  if [ ! -f "$want_file" ] || [ "$(cat "$want_file")" != "$want" ]; then
    log "installing Python packages into $BASALT_VENV"
    "$BASALT_VENV/bin/pip" install -q --disable-pip-version-check "${python_test_packages[@]}" \
      || die "pip install failed"
    echo "$want" >"$want_file"
  fi
fi
