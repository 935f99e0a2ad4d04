"""basalt-fe and basalt-cn as real processes for end-to-end tests.

Every process gets free loopback ports and its own directory (data, logs, stdout/stderr capture)
under the test's tmp dir, and its logs are registered with harness.logs so a failing test shows
their tails. A process can be killed with SIGKILL and started again on the same directory (same
ports, same meta_dir), or stopped with SIGTERM, which must end in exit code 0.

    cluster = Basalt(tmp_path)            # owns every process it starts; .close() stops them all
    fe = cluster.fe()                     # started and healthy (MySQL and /api/health answer)
    cn = cluster.cn()
    fe.execute(f'ALTER SYSTEM ADD COMPUTE NODE "{cn.endpoint}"')
    fe.wait_cn_alive(cn)
    fe.kill9(); fe.start()                # crash and restart on the same meta_dir
    cluster.close()                       # SIGTERM to everything still running, asserts exit 0

Binaries come from $BASALT_BIN_DIR (default <repo>/build/debug/programs).
"""

from __future__ import annotations

import os
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from . import logs
from .util import REPO_ROOT, free_port, wait_until

# Short heartbeats so liveness changes are visible within a second or two.
TEST_HEARTBEAT_INTERVAL_MS = 200
TEST_HEARTBEAT_TIMEOUT_MS = 1000
TEST_HEARTBEAT_RETRY_TIMES = 3

START_TIMEOUT = 60.0  # Debug + ASan binaries start in well under a second; generous for CI.
STOP_TIMEOUT = 30.0

# SHOW COMPUTE NODES in StarRocks 3.3 (docs/shared/spec/starrocks_surface.md §6.2).
COMPUTE_NODE_COLUMNS = [
    "ComputeNodeId", "IP", "HeartbeatPort", "BePort", "HttpPort", "BrpcPort", "LastStartTime",
    "LastHeartbeat", "Alive", "SystemDecommissioned", "ClusterDecommissioned", "ErrMsg", "Version",
    "CpuCores", "NumRunningQueries", "MemUsedPct", "CpuUsedPct", "HasStoragePath", "StarletPort",
    "WorkerId", "WarehouseName", "TabletNum",
]
FRONTEND_COLUMNS = [
    "Name", "IP", "EditLogPort", "HttpPort", "QueryPort", "RpcPort", "Role", "ClusterId", "Join",
    "Alive", "ReplayedJournalId", "LastHeartbeat", "IsHelper", "ErrMsg", "StartTime", "Version",
]


def bin_dir() -> Path:
    return Path(os.environ.get("BASALT_BIN_DIR", REPO_ROOT / "build" / "debug" / "programs"))


def binary(name: str) -> Path:
    path = bin_dir() / name
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"{path} is missing; build it with "
                           f"`cmake --build build/debug --target {name}` or set BASALT_BIN_DIR")
    return path


def run_binary(name: str, args: Sequence[str], timeout: float = 30.0,
               cwd: Optional[Path] = None) -> subprocess.CompletedProcess:
    """Runs a binary to completion (for --help and start-up failures); text stdout/stderr."""
    return subprocess.run([str(binary(name)), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def http_get(url: str, timeout: float = 5.0):
    """(status, body text) of a GET; HTTP errors give their status instead of raising."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


class ProcessExited(RuntimeError):
    pass


class BasaltProcess:
    """One basalt-fe or basalt-cn process with fixed ports and a directory that outlives it."""

    program = ""
    log_file = ""

    def __init__(self, name: str, root: Path, conf: Dict[str, object]):
        self.name = name
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.log_dir = self.root / "log"
        self.log_dir.mkdir(exist_ok=True)
        self.stdout_path = self.root / "stdout.txt"
        self.stderr_path = self.root / "stderr.txt"
        self.conf: Dict[str, object] = dict(conf)
        # When set, the process gets only `--conf <conf_file>` (plus extra_args); `conf` must then
        # describe what the file holds, since ports and directories are read from it.
        self.conf_file: Optional[Path] = None
        self.extra_args: List[str] = []
        # Extra environment for the next start, e.g. {"BASALT_FAILPOINTS": "name=crash"}.
        self.env: Dict[str, str] = {}
        # Ports this harness chose (not the test); re-chosen if taken by someone else at start-up.
        self.auto_port_keys: List[str] = []
        self.popen: Optional[subprocess.Popen] = None
        self.starts = 0
        self._stderr_offset = 0
        logs.register(name, self.log_dir / self.log_file)
        logs.register(f"{name} stderr", self.stderr_path)

    # ---- command line and state

    def argv(self) -> List[str]:
        if self.conf_file is not None:
            options = ["--conf", str(self.conf_file)]
        else:
            options = [f"--{k}={v}" for k, v in self.conf.items()]
        return [str(binary(self.program))] + options + list(self.extra_args)

    @property
    def pid(self) -> Optional[int]:
        return self.popen.pid if self.popen else None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stderr_text(self, whole: bool = False) -> str:
        """What the process wrote to stderr since its last start (or ever, with whole=True)."""
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(0 if whole else self._stderr_offset)
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_text(self) -> str:
        try:
            return (self.log_dir / self.log_file).read_text("utf-8", "replace")
        except FileNotFoundError:
            return ""

    # ---- lifecycle

    def start(self, wait: bool = True, timeout: float = START_TIMEOUT) -> "BasaltProcess":
        assert not self.running, f"{self.name} is already running (pid {self.pid})"
        self._stderr_offset = self.stderr_path.stat().st_size if self.stderr_path.exists() else 0
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            marker = f"===== start #{self.starts + 1}: {' '.join(self.argv())}\n".encode()
            err.write(marker)
            err.flush()
            self._stderr_offset += len(marker)
            self.popen = subprocess.Popen(self.argv(), stdout=out, stderr=err,
                                          stdin=subprocess.DEVNULL, cwd=self.root,
                                          env={**os.environ, **self.env},
                                          start_new_session=True)
        self.starts += 1
        if wait:
            try:
                self.wait_ready(timeout)
            except ProcessExited:
                # free_port() cannot reserve a port: another process on the machine may bind it
                # between the choice and our bind. On a first start, choose again and retry.
                if self.starts > 3 or not self.auto_port_keys or "Address already in use" not in self.stderr_text():
                    raise
                for key in self.auto_port_keys:
                    self.conf[key] = free_port()
                return self.start(wait, timeout)
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        def ready():
            if self.popen.poll() is not None:
                return "exited"
            return self.healthy()

        wait_until(ready, timeout, f"{self.name} to become healthy", interval=0.05,
                   max_interval=0.25)
        if self.popen.poll() is not None:
            raise ProcessExited(f"{self.name} exited with code {self.popen.returncode} during "
                                f"start-up; stderr:\n{self.stderr_text()[-4000:]}")

    def healthy(self) -> bool:
        raise NotImplementedError

    def wait_exit(self, timeout: float) -> int:
        """The exit code; fails the test if the process is still running after `timeout`."""
        assert self.popen is not None, f"{self.name} was never started"
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pid = self.pid
            self.force_cleanup()
            raise AssertionError(f"{self.name} (pid {pid}) still ran after {timeout:g}s; killed it")

    def kill9(self) -> None:
        """SIGKILL and reap: a crash at an arbitrary instant."""
        assert self.running, f"{self.name} is not running"
        os.kill(self.popen.pid, signal.SIGKILL)
        rc = self.popen.wait(STOP_TIMEOUT)
        assert rc == -signal.SIGKILL, f"{self.name} ended with {rc}, expected SIGKILL"

    def terminate(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM and wait; returns the exit code (a clean stop is 0)."""
        assert self.running, f"{self.name} is not running"
        os.kill(self.popen.pid, signal.SIGTERM)
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait(STOP_TIMEOUT)
            raise AssertionError(f"{self.name} ignored SIGTERM for {timeout:g}s; killed it")

    def stop(self) -> None:
        """SIGTERM; asserts the process exits 0."""
        rc = self.terminate()
        assert rc == 0, (f"{self.name} exited with {rc} after SIGTERM; stderr tail:\n"
                         f"{self.stderr_text()[-4000:]}")

    def restart(self, crash: bool = False) -> "BasaltProcess":
        if crash:
            self.kill9()
        else:
            self.stop()
        return self.start()

    def force_cleanup(self) -> None:
        if self.running:
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait(STOP_TIMEOUT)

    def unregister_logs(self) -> None:
        logs.unregister(self.name)
        logs.unregister(f"{self.name} stderr")


class FrontendProcess(BasaltProcess):
    program = "basalt-fe"
    log_file = "fe.log"

    def __init__(self, name: str, root: Path, conf: Optional[Dict[str, object]] = None):
        base = {
            "meta_dir": Path(root) / "meta",
            "query_host": "127.0.0.1",
            "query_port": free_port(),
            "http_port": free_port(),
            "rpc_port": free_port(),
            "edit_log_port": free_port(),
            "sys_log_dir": Path(root) / "log",
            "heartbeat_interval_ms": TEST_HEARTBEAT_INTERVAL_MS,
            "heartbeat_timeout_ms": TEST_HEARTBEAT_TIMEOUT_MS,
            "heartbeat_retry_times": TEST_HEARTBEAT_RETRY_TIMES,
        }
        base.update(conf or {})
        super().__init__(name, root, base)
        self.auto_port_keys = [k for k in ("query_port", "http_port", "rpc_port", "edit_log_port")
                               if k not in (conf or {})]

    @property
    def meta_dir(self) -> Path:
        return Path(self.conf["meta_dir"])

    @property
    def query_port(self) -> int:
        return int(self.conf["query_port"])

    @property
    def http_port(self) -> int:
        return int(self.conf["http_port"])

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def healthy(self) -> bool:
        status, _ = http_get(self.http + "/api/health", timeout=2)
        if status != 200:
            return False
        self.connect(connect_timeout=2).close()
        return True

    def journal_files(self) -> List[Path]:
        return sorted(p for p in self.meta_dir.iterdir()
                      if p.name.startswith("journal.") and len(p.name) == 28
                      and p.name[8:].isdigit())

    # ---- SQL

    def connect(self, user: str = "root", password: str = "", database: Optional[str] = None,
                **kw):
        import pymysql
        opts = dict(host="127.0.0.1", port=self.query_port, user=user, password=password,
                    database=database, autocommit=True, connect_timeout=10, read_timeout=60,
                    write_timeout=60, charset="utf8mb4")
        opts.update(kw)
        return pymysql.connect(**opts)

    def query(self, sql: str, **connect_kw):
        """(column names, rows) of one statement on a fresh root connection."""
        conn = self.connect(**connect_kw)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                columns = [d[0] for d in cur.description] if cur.description else []
                return columns, list(cur.fetchall())
        finally:
            conn.close()

    def execute(self, sql: str, **connect_kw) -> None:
        self.query(sql, **connect_kw)

    def dicts(self, sql: str, **connect_kw) -> List[Dict[str, object]]:
        columns, rows = self.query(sql, **connect_kw)
        return [dict(zip(columns, row)) for row in rows]

    def compute_nodes(self) -> List[Dict[str, object]]:
        return self.dicts("SHOW COMPUTE NODES")

    def compute_node(self, endpoint: str) -> Optional[Dict[str, object]]:
        host, port = endpoint.rsplit(":", 1)
        for row in self.compute_nodes():
            if row["IP"] == host and str(row["HeartbeatPort"]) == port:
                return row
        return None

    def wait_cn_alive(self, cn: "ComputeNodeProcess", alive: bool = True,
                      timeout: float = 30.0) -> Dict[str, object]:
        """Polls SHOW COMPUTE NODES until the node's Alive column is `alive`; returns its row."""
        want = "true" if alive else "false"

        def check():
            row = self.compute_node(cn.endpoint)
            return row if row is not None and str(row["Alive"]).lower() == want else None

        return wait_until(check, timeout, f"compute node {cn.endpoint} Alive={want}",
                          interval=0.05, max_interval=0.2)


class ComputeNodeProcess(BasaltProcess):
    program = "basalt-cn"
    log_file = "cn.log"

    def __init__(self, name: str, root: Path, conf: Optional[Dict[str, object]] = None):
        base = {
            "host": "127.0.0.1",
            "heartbeat_service_port": free_port(),
            "be_port": free_port(),
            "be_http_port": free_port(),
            "brpc_port": free_port(),
            "starlet_port": free_port(),
            "storage_root_path": Path(root) / "storage",
            "sys_log_dir": Path(root) / "log",
        }
        base.update(conf or {})
        super().__init__(name, root, base)
        # Not the heartbeat port: a test may register the CN (by that port) before starting it. The
        # others reach the FE through heartbeats, so they may change before the first start.
        self.auto_port_keys = [k for k in ("be_port", "be_http_port", "brpc_port", "starlet_port")
                               if k not in (conf or {})]

    @property
    def heartbeat_port(self) -> int:
        return int(self.conf["heartbeat_service_port"])

    @property
    def endpoint(self) -> str:
        """What ALTER SYSTEM ADD COMPUTE NODE takes: "127.0.0.1:<heartbeat port>"."""
        return f"{self.conf['host']}:{self.heartbeat_port}"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.conf['be_http_port']}"

    def healthy(self) -> bool:
        status, _ = http_get(self.http + "/api/health", timeout=2)
        return status == 200


class Basalt:
    """Starts basalt-fe / basalt-cn processes under one directory and stops them all at close()."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.processes: List[BasaltProcess] = []

    def fe(self, start: bool = True, **conf) -> FrontendProcess:
        index = sum(isinstance(p, FrontendProcess) for p in self.processes)
        name = "basalt-fe" if index == 0 else f"basalt-fe-{index}"
        proc = FrontendProcess(name, self.root / name, conf)
        self.processes.append(proc)
        return proc.start() if start else proc

    def cn(self, start: bool = True, **conf) -> ComputeNodeProcess:
        index = sum(isinstance(p, ComputeNodeProcess) for p in self.processes)
        name = f"basalt-cn-{index}"
        proc = ComputeNodeProcess(name, self.root / name, conf)
        self.processes.append(proc)
        return proc.start() if start else proc

    def close(self) -> None:
        """SIGTERM to every running process (compute nodes first); each must exit 0."""
        failures = []
        ordered = [p for p in self.processes if isinstance(p, ComputeNodeProcess)] + \
                  [p for p in self.processes if not isinstance(p, ComputeNodeProcess)]
        for proc in ordered:
            try:
                if proc.running:
                    proc.stop()
            except AssertionError as exc:
                failures.append(str(exc))
            finally:
                proc.force_cleanup()
        for proc in self.processes:
            proc.unregister_logs()
        if failures:
            raise AssertionError("; ".join(failures))


class Cluster:
    """An FE with compute nodes registered through ALTER SYSTEM ADD COMPUTE NODE."""

    def __init__(self, basalt: Basalt, fe: FrontendProcess):
        self.basalt = basalt
        self.fe = fe
        self.cns: List[ComputeNodeProcess] = []

    @property
    def cn(self) -> ComputeNodeProcess:
        return self.cns[0]

    def add_cn(self, wait_alive: bool = True, **conf) -> ComputeNodeProcess:
        cn = self.basalt.cn(**conf)
        self.fe.execute(f'ALTER SYSTEM ADD COMPUTE NODE "{cn.endpoint}"')
        self.cns.append(cn)
        if wait_alive:
            self.fe.wait_cn_alive(cn)
        return cn


def flip_payload_byte(journal: Path) -> Tuple[int, int]:
    """Flips one byte in the middle of a record payload of a journal segment.

    Walks the records (journal_format.h: 12-byte segment header, then per record a 16-byte
    header [u32 length, u32 crc, u64 seq] and the payload) and picks the middle record with a
    non-empty payload, so only the record's checksum can notice the change. Returns (offset of
    that record's header, offset of the flipped byte).
    """
    data = bytearray(journal.read_bytes())
    assert data[:8] == b"BSLTJRNL", f"{journal} does not start with the segment magic"
    records = []  # (record offset, payload length)
    pos = 12
    while pos + 16 <= len(data):
        length = int.from_bytes(data[pos:pos + 4], "little")
        if pos + 16 + length > len(data):
            break
        if length:
            records.append((pos, length))
        pos += 16 + length
    assert records, f"{journal} holds no record with a payload"
    record, length = records[len(records) // 2]
    offset = record + 16 + length // 2
    data[offset] ^= 0xFF
    journal.write_bytes(bytes(data))
    return record, offset
