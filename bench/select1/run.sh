#!/usr/bin/env bash
# SELECT 1 round trips per second, Basalt FE vs MariaDB, in one run.
#
# Starts basalt-fe (release build) and a Debian MariaDB server on free loopback ports with
# throw-away state directories, drives both with the same load (bench/select1/select1.cc), prints
# a table and the Basalt/MariaDB ratio, and stops both servers again, also on failure or Ctrl-C.
# Nothing is written into the repository except under build/.
#
# Usage: bench/select1/run.sh [--smoke] [--connections N] [--duration S] [--warmup S]
#                             [--rounds N] [--prepared] [--pin]
#   --smoke          1 s, 2 connections, 1 round: only checks both servers answer, prints the ratio
#   --connections N  connections (= client threads) per run (16)
#   --duration S     measured seconds per run (10)
#   --warmup S       unmeasured seconds before each run (2)
#   --rounds N       rounds; each round runs both servers, the order alternates (2)
#   --prepared       also measure a server-side prepared SELECT 1 (binary protocol)
#   --pin            servers on CPU 0, load generator on CPU 1 (needs >= 2 CPUs)
# Environment: BASALT_FE_BIN (default build/release/programs/basalt-fe; built when missing).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/common.sh
source "$here/../../scripts/common.sh"

connections=16 duration=10 warmup=2 rounds=2 prepared=0 pin=0 smoke=0
while (($#)); do
  case "$1" in
    --smoke) smoke=1 ;;
    --connections) connections="${2:?--connections needs a value}"; shift ;;
    --duration) duration="${2:?--duration needs a value}"; shift ;;
    --warmup) warmup="${2:?--warmup needs a value}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift ;;
    --prepared) prepared=1 ;;
    --pin) pin=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (try --help)" ;;
  esac
  shift
done
if ((smoke)); then connections=2 duration=1 warmup=0.5 rounds=1; fi
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer"
if ((pin)) && [ "$(nproc)" -lt 2 ]; then die "--pin needs at least 2 CPUs"; fi

# 1. Dependencies, load generator, Basalt release binary.
"$BASALT_ROOT/scripts/install_deps.sh" bench >&2 || die "installing bench dependencies failed"
gen="$("$here/build.sh")"
fe_bin="${BASALT_FE_BIN:-$BASALT_ROOT/build/release/programs/basalt-fe}"
if [ ! -x "$fe_bin" ]; then
  log "building the release basalt-fe (a few minutes on 2 cores)"
  (cd "$BASALT_ROOT" && cmake --preset release >&2 && cmake --build --preset release --target basalt-fe >&2) \
    || die "release build failed"
fi
for tool in mariadbd mariadb-install-db mariadb python3; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || die "$tool not found"
done
mariadbd_bin="$(command -v mariadbd || echo /usr/sbin/mariadbd)"

work="$(mktemp -d "${TMPDIR:-/tmp}/basalt-select1.XXXXXX")"
fe_pid="" mdb_pid="" gen_pid=""
cleanup() {
  local rc=$?
  for pid in $gen_pid $fe_pid $mdb_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $gen_pid $fe_pid $mdb_pid; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ] && [ "$rc" -ne 143 ]; then
    for f in fe.log mariadb.err; do
      [ -s "$work/$f" ] && { log "last lines of $f:"; tail -n 20 "$work/$f" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Free loopback ports, chosen by the kernel; all are held until every one is picked so they differ.
read -r fe_query fe_http fe_rpc mdb_port < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
EOF
)

server_prefix=() gen_prefix=()
if ((pin)); then server_prefix=(taskset -c 0) gen_prefix=(taskset -c 1); fi

# Waits until `SELECT 1` answers on port $2 (pid $3 must stay alive); $1 names the server.
wait_ready() {
  local name=$1 port=$2 pid=$3
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up"
    mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot --connect-timeout=2 -N -e 'SELECT 1' >/dev/null 2>&1 \
      && return 0
    sleep 0.1
  done
  die "$name did not answer on 127.0.0.1:$port within 60 s"
}

# 2. Basalt FE.
mkdir -p "$work/fe-meta"
"${server_prefix[@]}" "$fe_bin" --meta_dir="$work/fe-meta" --query_host=127.0.0.1 --query_port="$fe_query" \
  --http_port="$fe_http" --rpc_port="$fe_rpc" >"$work/fe.log" 2>&1 &
fe_pid=$!

# 3. MariaDB: a fresh datadir, root without password, TCP on loopback only.
mariadb-install-db --no-defaults --datadir="$work/mariadb" --user=root --auth-root-authentication-method=normal \
  --skip-test-db >"$work/mariadb-install.log" 2>&1 || { cat "$work/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
"${server_prefix[@]}" "$mariadbd_bin" --no-defaults --datadir="$work/mariadb" --port="$mdb_port" \
  --socket="$work/mariadb.sock" --pid-file="$work/mariadb.pid" --user=root --bind-address=127.0.0.1 \
  --log-error="$work/mariadb.err" --innodb-buffer-pool-size=64M --max-connections=1000 >"$work/mariadb.out" 2>&1 &
mdb_pid=$!

wait_ready basalt-fe "$fe_query" "$fe_pid"
wait_ready mariadb "$mdb_port" "$mdb_pid"
basalt_version="$(mariadb --no-defaults -h127.0.0.1 -P"$fe_query" -uroot -N -e 'SELECT VERSION()' 2>/dev/null || true)"
mariadb_version="$(mariadb --no-defaults -h127.0.0.1 -P"$mdb_port" -uroot -N -e 'SELECT VERSION()' 2>/dev/null || true)"
log "basalt-fe on 127.0.0.1:$fe_query ($basalt_version), mariadb on 127.0.0.1:$mdb_port ($mariadb_version)"

# 4. The load, same settings for both; round r runs Basalt first when r is odd, MariaDB first otherwise.
modes=(text)
((prepared)) && modes+=(prepared)
results="$work/results"
: >"$results"
# CPU time (user + system, clock ticks) a process has used so far.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
clk_tck="$(getconf CLK_TCK)"
run_one() {  # server port pid mode round
  local extra=()
  [ "$4" = prepared ] && extra=(--prepared)
  log "round $5: $1, $4, $connections connections, ${warmup} s warm-up + ${duration} s"
  local line before after
  before="$(cpu_ticks "$3")"
  # In the background and waited for, so a signal to this script is handled at once.
  "${gen_prefix[@]}" "$gen" --port "$2" --label "$1" --connections "$connections" --warmup "$warmup" \
    --duration "$duration" "${extra[@]}" >"$work/gen.out" &
  gen_pid=$!
  wait "$gen_pid" || die "load against $1 ($4) failed"
  gen_pid=""
  line="$(cat "$work/gen.out")"
  after="$(cpu_ticks "$3")"
  echo "round=$5 $line server_cpu_s=$(awk -v t=$((after - before)) -v hz="$clk_tck" 'BEGIN { print t / hz }')" >>"$results"
}
for mode in "${modes[@]}"; do
  for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then
      run_one basalt "$fe_query" "$fe_pid" "$mode" "$r"; run_one mariadb "$mdb_port" "$mdb_pid" "$mode" "$r"
    else
      run_one mariadb "$mdb_port" "$mdb_pid" "$mode" "$r"; run_one basalt "$fe_query" "$fe_pid" "$mode" "$r"
    fi
  done
done

# 5. Table and ratio: per run, then per server and mode the mean over rounds.
echo
echo "SELECT 1 round trips, $connections connections, ${duration} s measured per run, $(nproc) CPUs$( ((pin)) && echo ', servers on CPU 0, load on CPU 1')"
echo "basalt-fe $basalt_version | mariadb $mariadb_version"
python3 - "$results" "$smoke" <<'EOF'
import sys
rows = []
for line in open(sys.argv[1]):
    r = dict(f.split("=", 1) for f in line.split())
    # Server CPU (user + system) per round trip, warm-up included, in microseconds.
    r["cpu_us"] = float(r["server_cpu_s"]) * 1e6 / max(1, int(r["total_queries"]))
    rows.append(r)
smoke = sys.argv[2] == "1"
keys = ("rps", "p50_us", "p99_us", "cpu_us")


def line(label, server, mode, v):
    return f"{label:>5}  {server:<8} {mode:<9} {v[0]:>10.0f} {v[1]:>8.1f} {v[2]:>8.1f} {v[3]:>10.1f}"


print()
print(f"{'round':>5}  {'server':<8} {'mode':<9} {'rt/s':>10} {'p50 us':>8} {'p99 us':>8} {'cpu us/rt':>10}")
for r in rows:
    print(line(r["round"], r["label"], r["mode"], [float(r[k]) for k in keys]))
print()
for mode in dict.fromkeys(r["mode"] for r in rows):
    mean = {}
    for server in ("basalt", "mariadb"):
        sel = [r for r in rows if r["mode"] == mode and r["label"] == server]
        mean[server] = [sum(float(r[k]) for r in sel) / len(sel) for k in keys]
        print(line("mean", server, mode, mean[server]))
    b, m = mean["basalt"], mean["mariadb"]
    print(f"ratio basalt/mariadb ({mode}): rt/s {b[0] / m[0]:.2f}x (higher is better); "
          f"p50 {b[1] / m[1]:.2f}x, p99 {b[2] / m[2]:.2f}x, server cpu/rt {b[3] / m[3]:.2f}x (lower is better)")
if smoke:
    print("smoke: both servers answered SELECT 1 correctly")
EOF
