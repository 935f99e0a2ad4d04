"""Real Kafka and real MinIO for Basalt's tests, demos and benchmarks.

Installs (once, cached under $BASALT_CACHE), starts, health-checks and stops:
  * an Apache Kafka 4.x broker in single-node KRaft mode (broker + controller in one JVM), run from
    the official jars on Maven Central that deploy/kafka/pom.xml resolves, with a PLAINTEXT
    listener, a SASL_PLAINTEXT one (mechanisms PLAIN, with the configured users, and SCRAM-SHA-256,
    one user whose password the Admin API can change while the broker runs) and an SSL one (a test
    CA made with openssl at the first start);
  * a MinIO server built with `go install`, with the seed's access key and bucket created through
    the real admin API by `mc`.

Each component lives in one run directory: <run>/<name>/ holds its config, data, log and state.json
(pid + process start time, so a recycled pid is never mistaken for ours). Used two ways:
  * from the command line through scripts/infra (see `scripts/infra --help`);
  * from Python (test/e2e/harness/infra.py) through Infra(Settings(...)).

Standard library only: it runs with any python3 before the test virtualenv exists.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Dict, List, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_POM = REPO_ROOT / "deploy" / "kafka" / "pom.xml"
COMPONENTS = ("kafka", "minio")
HOSTS_MARKER = "# basalt-infra seed hosts"
SEED_HOSTNAMES = ("minio", "redpanda")

SEED_ACCESS_KEY = "AAAAAAAAAAAAAAAAAAAA"
SEED_SECRET_KEY = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"


class InfraError(Exception):
    """A failure with a message meant for the user (printed without a traceback)."""


def log(msg: str) -> None:
    print(f"[basalt] {msg}", file=sys.stderr, flush=True)


def cache_root() -> Path:
    env = os.environ.get("BASALT_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "basalt"


def tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a log file, or a note saying it is missing."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 64 * 1024))
            data = f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return f"(no log at {path})"
    out = data.splitlines()[-lines:]
    return "\n".join(out) if out else f"({path} is empty)"


def wait_until(predicate: Callable[[], object], timeout: float, what: str,
               interval: float = 0.1, max_interval: float = 1.0):
    """Polls `predicate` until it returns a truthy value and returns that value.

    Raises TimeoutError naming `what` (and the last exception the predicate raised, if any) when
    `timeout` seconds pass first. The poll interval grows from `interval` to `max_interval`.
    """
    deadline = time.monotonic() + timeout
    last_exc: Optional[BaseException] = None
    while True:
        try:
            value = predicate()
            if value:
                return value
            last_exc = None
        except Exception as exc:  # the predicate's own failure is a "not yet"
            last_exc = exc
        now = time.monotonic()
        if now >= deadline:
            detail = f" (last error: {last_exc!r})" if last_exc else ""
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}{detail}")
        time.sleep(min(interval, deadline - now))
        interval = min(interval * 1.5, max_interval)


# ---------------------------------------------------------------------------------------------
# Processes

def _proc_start_ticks(pid: int) -> Optional[int]:
    """Start time of `pid` in clock ticks since boot, or None when it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name is in parentheses and may contain spaces; fields after it are fixed.
    fields = stat[stat.rfind(")") + 2:].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def _port_owner(port: int) -> str:
    """Best-effort description of who listens on a TCP port (needs `ss`)."""
    ss = shutil.which("ss")
    if not ss:
        return ""
    try:
        out = subprocess.run([ss, "-Hltnp", f"sport = :{port}"], capture_output=True, text=True,
                             timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    m = re.search(r'users:\(\("([^"]+)",pid=(\d+)', out)
    if m:
        return f" (held by {m.group(1)}, pid {m.group(2)})"
    return f" ({out.splitlines()[0]})" if out else ""


def check_port_free(host: str, port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InfraError(f"port {port} ({what}) is already in use{_port_owner(port)}; "
                                 f"stop whatever holds it or choose another port") from None
            raise InfraError(f"cannot bind {host}:{port} ({what}): {exc.strerror}") from None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _run_logged(cmd: List[str], log_path: Path, what: str, timeout: float,
                env: Optional[Dict[str, str]] = None, cwd: Optional[Path] = None) -> None:
    """Runs a command to completion with its output appended to `log_path`; raises on failure."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        try:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  env=env, cwd=cwd, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise InfraError(f"{what} did not finish within {timeout:g}s; last lines of {log_path}:\n"
                             f"{tail(log_path)}") from None
    if proc.returncode != 0:
        raise InfraError(f"{what} failed (exit {proc.returncode}); last lines of {log_path}:\n"
                         f"{tail(log_path)}")


# ---------------------------------------------------------------------------------------------
# Settings

@dataclasses.dataclass
class Settings:
    run_dir: Path = REPO_ROOT / "run" / "infra"
    bind_host: str = "127.0.0.1"
    health_timeout: float = 120.0
    # Kafka
    kafka_port: int = 9092
    kafka_controller_port: int = 0          # 0: a free port, remembered in the run directory
    kafka_advertised_host: str = "127.0.0.1"
    kafka_seed_port: int = 0                # >0: extra listener advertised as <seed host>:<port>
    kafka_seed_host: str = "redpanda"
    # A SASL_PLAINTEXT listener (mechanism PLAIN) advertised on the same host as the PLAINTEXT one,
    # accepting kafka_sasl_username / kafka_sasl_password (test credentials, not secrets). Port 0:
    # a free port, remembered in the run directory (like the controller's); -1: no such listener.
    kafka_sasl_port: int = 0
    kafka_sasl_username: str = "basalt"
    kafka_sasl_password: str = "basalt-secret"
    # More PLAIN users of that listener (name -> password). PLAIN users live in the broker's static
    # JAAS config: changing one means restarting the broker (tests of credentials rotated under a
    # running job do that, keeping the data and ports).
    kafka_sasl_plain_users: Dict[str, str] = dataclasses.field(default_factory=dict)
    # The same listener also offers SCRAM-SHA-256 with this user, created when the storage is
    # formatted (a SCRAM credential lives in the cluster metadata, so the Admin API changes its
    # password at runtime). librdkafka before 2.6.1 (Debian 12 ships 2.0.2) cannot log in with
    # SCRAM to Kafka 4 brokers (librdkafka PR #4895), so Basalt's own tests rotate a PLAIN user.
    kafka_scram_username: str = "basalt-scram"
    kafka_scram_password: str = "basalt-scram-secret"
    # An SSL listener whose certificate (for 127.0.0.1 / localhost / the advertised host) is signed
    # by a CA that `up` generates once with openssl into <run>/kafka/tls/ca.pem; clients trust it
    # with ssl.ca.location. Port 0: a free port, remembered; -1: no SSL listener.
    kafka_ssl_port: int = 0
    kafka_partitions: int = 1               # num.partitions for auto-created topics
    kafka_auto_create_topics: bool = False
    kafka_heap: str = "768m"
    # MinIO
    minio_port: int = 9000
    minio_console_port: int = 9001
    minio_root_user: str = "miniouser"
    minio_root_password: str = "miniopassword"
    minio_access_key: str = SEED_ACCESS_KEY
    minio_secret_key: str = SEED_SECRET_KEY
    minio_bucket: str = "my-starrocks-bucket"

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.kafka_advertised_host}:{self.kafka_port}"

    @property
    def kafka_ssl_bootstrap(self) -> str:
        """Empty while the port is not chosen yet (0) or the listener is off (-1)."""
        return f"{self.kafka_advertised_host}:{self.kafka_ssl_port}" if self.kafka_ssl_port > 0 else ""

    @property
    def kafka_sasl_bootstrap(self) -> str:
        """Empty while the port is not chosen yet (0) or the listener is off (-1)."""
        return f"{self.kafka_advertised_host}:{self.kafka_sasl_port}" if self.kafka_sasl_port > 0 else ""

    @property
    def minio_endpoint(self) -> str:
        host = "127.0.0.1" if self.bind_host in ("0.0.0.0", "") else self.bind_host
        return f"http://{host}:{self.minio_port}"


# ---------------------------------------------------------------------------------------------
# Tools and installs

def find_java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return os.path.join(home, "bin", "java")
    java = shutil.which("java")
    if not java:
        raise InfraError("Java not found: the Kafka broker needs a Java 17+ runtime on PATH or in "
                         "JAVA_HOME (Debian: apt-get install openjdk-17-jre-headless)")
    return java


def kafka_version() -> str:
    m = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", KAFKA_POM.read_text())
    if not m:
        raise InfraError(f"no <kafka.version> in {KAFKA_POM}")
    return m.group(1).strip()


def kafka_libs_dir() -> Path:
    digest = hashlib.sha256(KAFKA_POM.read_bytes()).hexdigest()[:12]
    return cache_root() / "kafka" / f"{kafka_version()}-{digest}" / "libs"


def ensure_kafka() -> Path:
    """Returns the directory of broker jars, resolving them with Maven the first time."""
    find_java()
    libs = kafka_libs_dir()
    if (libs / ".complete").exists():
        return libs
    mvn = shutil.which("mvn")
    if not mvn:
        raise InfraError("Maven (mvn) not found: it fetches the Kafka broker jars from Maven Central "
                         "once (Debian: apt-get install maven)")
    staging = libs.with_name("libs.partial")
    shutil.rmtree(staging, ignore_errors=True)
    build_log = libs.parent / "resolve.log"
    log(f"resolving Kafka {kafka_version()} jars into {libs} (first run only)")
    base = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(KAFKA_POM),
            "dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
    try:
        # Offline first: a warm ~/.m2 needs no network at all.
        _run_logged(base[:1] + ["-o"] + base[1:], build_log, "offline Maven resolve", 300)
    except InfraError:
        _run_logged(base, build_log, "Maven resolve of the Kafka jars", 900)
    if not any(staging.glob("kafka_2.13-*.jar")):
        raise InfraError(f"Maven finished but {staging} has no kafka_2.13 jar; see {build_log}")
    (staging / ".complete").write_text(kafka_version() + "\n")
    shutil.rmtree(libs, ignore_errors=True)
    staging.rename(libs)
    return libs


def go_bin_dir() -> Path:
    return Path(os.environ.get("BASALT_GOBIN") or cache_root() / "go" / "bin")


def _go_install(tool: str, module: str) -> Path:
    binary = go_bin_dir() / tool
    if os.access(binary, os.X_OK):
        return binary
    go = shutil.which("go")
    if not go:
        raise InfraError(f"Go not found: {tool} is built from source once with `go install {module}` "
                         f"(install Go 1.24+ and put it on PATH), and {binary} does not exist yet")
    env = dict(os.environ)
    env.setdefault("GOPATH", str(cache_root() / "go"))
    env["GOBIN"] = str(go_bin_dir())
    env["GOFLAGS"] = (env.get("GOFLAGS", "") + " -modcacherw").strip()
    env.setdefault("CGO_ENABLED", "0")
    build_log = cache_root() / "go" / f"build-{tool}.log"
    log(f"building {tool} with `go install {module}` (first run only, a few minutes)")
    _run_logged([go, "install", module], build_log, f"go install {module}", 1800, env=env,
                cwd=cache_root())
    if not os.access(binary, os.X_OK):
        raise InfraError(f"go install {module} finished but {binary} is missing; see {build_log}")
    return binary


def ensure_minio() -> Path:
    return _go_install("minio", os.environ.get("BASALT_MINIO_MODULE",
                                               "github.com/minio/minio@latest"))


def ensure_mc() -> Path:
    return _go_install("mc", os.environ.get("BASALT_MC_MODULE", "github.com/minio/mc@latest"))


# ---------------------------------------------------------------------------------------------
# Kafka wire checks (just enough of the protocol to know the broker serves clients)

def _kafka_request(host: str, port: int, api_key: int, version: int, body: bytes,
                   timeout: float = 2.0) -> bytes:
    client_id = b"basalt-infra"
    header = struct.pack(">hhih", api_key, version, 1, len(client_id)) + client_id
    msg = header + body
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(struct.pack(">i", len(msg)) + msg)
        size = struct.unpack(">i", _recv_exact(s, 4))[0]
        resp = _recv_exact(s, size)
    if struct.unpack(">i", resp[:4])[0] != 1:
        raise IOError("correlation id mismatch")
    return resp[4:]


def _recv_exact(s: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise IOError("connection closed by broker")
        buf += chunk
    return buf


def kafka_brokers(host: str, port: int) -> List[str]:
    """Brokers ("host:port") a Metadata v4 request to host:port lists; raises when not serving."""
    body = struct.pack(">i?", 0, False)  # no topics, no auto-creation
    resp = _kafka_request(host, port, 3, 4, body)
    pos = 4  # throttle_time_ms
    (count,) = struct.unpack_from(">i", resp, pos)
    pos += 4
    brokers = []
    for _ in range(count):
        _node, hlen = struct.unpack_from(">ih", resp, pos)
        pos += 6
        bhost = resp[pos:pos + hlen].decode()
        pos += hlen
        (bport, rlen) = struct.unpack_from(">ih", resp, pos)
        pos += 6 + max(rlen, 0)
        brokers.append(f"{bhost}:{bport}")
    return brokers


# ---------------------------------------------------------------------------------------------
# Components

class Component:
    name = ""

    def __init__(self, settings: Settings):
        self.s = settings
        self.dir = settings.run_dir / self.name
        self.log_path = self.dir / f"{self.name}.log"
        self.state_path = self.dir / "state.json"
        self.proc: Optional[subprocess.Popen] = None

    # state ------------------------------------------------------------------------------
    def state(self) -> Optional[dict]:
        try:
            return json.loads(self.state_path.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def alive(self, state: Optional[dict] = None) -> bool:
        state = state if state is not None else self.state()
        if not state:
            return False
        if self.proc is not None and self.proc.pid == state["pid"]:
            self.proc.poll()  # reap our own child so a dead one is not a zombie
        return _proc_start_ticks(state["pid"]) == state["start_ticks"]

    def describe(self) -> dict:
        return {}

    # lifecycle --------------------------------------------------------------------------
    def preflight(self) -> None:
        """Checks tools and installs what is missing; no process is started."""

    def check_ports(self) -> None:
        pass

    def spawn(self) -> None:
        raise NotImplementedError

    def healthy(self) -> bool:
        raise NotImplementedError

    def after_healthy(self) -> None:
        pass

    def _launch(self, cmd: List[str], env: Optional[Dict[str, str]] = None) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        out = open(self.log_path, "ab")
        out.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(cmd)}\n".encode())
        out.flush()
        try:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env, cwd=self.dir,
                                         start_new_session=True)
        finally:
            out.close()
        ticks = _proc_start_ticks(self.proc.pid)
        state = {"pid": self.proc.pid, "start_ticks": ticks, "cmd": cmd,
                 "log": str(self.log_path), "started_at": time.time(), **self.describe()}
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1))
        tmp.rename(self.state_path)

    def wait_healthy(self, deadline: float) -> None:
        def ready():
            if not self.alive():
                code = self.proc.poll() if self.proc else None
                how = f"exit code {code}" if code is not None else "process gone"
                raise InfraError(f"{self.name} exited during start-up ({how}); last lines of "
                                 f"{self.log_path}:\n{tail(self.log_path)}")
            try:
                return self.healthy()
            except OSError:
                return False

        try:
            wait_until(ready, max(0.0, deadline - time.monotonic()), f"{self.name} to become healthy")
        except TimeoutError:
            raise InfraError(f"{self.name} did not become healthy within {self.s.health_timeout:g}s; "
                             f"last lines of {self.log_path}:\n{tail(self.log_path)}") from None
        self.after_healthy()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stops the process (SIGTERM to its group, SIGKILL after `timeout`). True if it ran."""
        state = self.state()
        ran = False
        if state and self.alive(state):
            ran = True
            pid = state["pid"]
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                wait_until(lambda: not self.alive(state), timeout, f"{self.name} to exit",
                           interval=0.05, max_interval=0.25)
            except TimeoutError:
                log(f"{self.name} (pid {pid}) ignored SIGTERM for {timeout:g}s; killing it")
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                wait_until(lambda: not self.alive(state), 10, f"{self.name} to die")
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        try:
            self.state_path.unlink()
        except FileNotFoundError:
            pass
        return ran


class Kafka(Component):
    name = "kafka"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.config_path = self.dir / "server.properties"
        self.data_dir = self.dir / "data"

    def describe(self) -> dict:
        d = {"bootstrap": self.s.kafka_bootstrap, "version": kafka_version(),
             "controller_port": self._controller_port()}
        if self.s.kafka_seed_port:
            d["seed_bootstrap"] = f"{self.s.kafka_seed_host}:{self.s.kafka_seed_port}"
        if self._sasl_port():
            d.update(sasl_bootstrap=self.s.kafka_sasl_bootstrap, sasl_protocol="SASL_PLAINTEXT",
                     sasl_mechanism="PLAIN", sasl_username=self.s.kafka_sasl_username,
                     sasl_password=self.s.kafka_sasl_password,
                     scram_mechanism="SCRAM-SHA-256", scram_username=self.s.kafka_scram_username,
                     scram_password=self.s.kafka_scram_password)
        if self._ssl_port():
            d.update(ssl_bootstrap=self.s.kafka_ssl_bootstrap, ssl_ca_location=str(self.tls_dir / "ca.pem"))
        return d

    def _controller_port(self) -> int:
        if self.s.kafka_controller_port:
            return self.s.kafka_controller_port
        remembered = self.dir / "controller.port"
        try:
            port = int(remembered.read_text())
            check_port_free("127.0.0.1", port, "probe")
        except (FileNotFoundError, ValueError, InfraError):
            port = free_port()
            self.dir.mkdir(parents=True, exist_ok=True)
            remembered.write_text(f"{port}\n")
        self.s.kafka_controller_port = port
        return port

    def _remembered_port(self, configured: int, file_name: str) -> int:
        """`configured` if > 0; for 0 a free port, remembered in the run directory; 0 for < 0."""
        if configured < 0:
            return 0
        if configured > 0:
            return configured
        remembered = self.dir / file_name
        try:
            port = int(remembered.read_text())
            check_port_free(self.s.bind_host, port, "probe")
        except (FileNotFoundError, ValueError, InfraError):
            port = free_port()
            self.dir.mkdir(parents=True, exist_ok=True)
            remembered.write_text(f"{port}\n")
        return port

    def _sasl_port(self) -> int:
        """The SASL listener's port, chosen once like the controller's; 0 when it is turned off."""
        port = self._remembered_port(self.s.kafka_sasl_port, "sasl.port")
        if port:
            self.s.kafka_sasl_port = port
        return port

    def _ssl_port(self) -> int:
        """The SSL listener's port, chosen once like the controller's; 0 when it is turned off."""
        port = self._remembered_port(self.s.kafka_ssl_port, "ssl.port")
        if port:
            self.s.kafka_ssl_port = port
        return port

    @property
    def tls_dir(self) -> Path:
        return self.dir / "tls"

    def _ensure_tls(self) -> Path:
        """A test CA and a broker certificate signed by it (made once; openssl). Returns the PEM
        keystore (key + chain) the SSL listener serves."""
        keystore = self.tls_dir / "broker-keystore.pem"
        if keystore.exists() and (self.tls_dir / "ca.pem").exists():
            return keystore
        openssl = shutil.which("openssl")
        if not openssl:
            raise InfraError("openssl not found: it makes the test certificates of Kafka's SSL listener "
                             "(Debian: apt-get install openssl), or pass --kafka-ssl-port -1")
        d = self.tls_dir
        d.mkdir(parents=True, exist_ok=True)
        hosts = {"127.0.0.1", "localhost", self.s.kafka_advertised_host}
        san = ",".join(sorted(f"IP:{h}" if re.fullmatch(r"[0-9.]+", h) else f"DNS:{h}" for h in hosts))
        (d / "broker.ext").write_text(f"subjectAltName={san}\n")
        log_path = d / "openssl.log"
        for cmd in (
                [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
                 "-subj", "/CN=Basalt test CA", "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem")],
                [openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=basalt-kafka",
                 "-keyout", str(d / "broker.key"), "-out", str(d / "broker.csr")],
                [openssl, "x509", "-req", "-days", "3650", "-in", str(d / "broker.csr"), "-CA", str(d / "ca.pem"),
                 "-CAkey", str(d / "ca.key"), "-CAcreateserial", "-extfile", str(d / "broker.ext"),
                 "-out", str(d / "broker.pem")]):
            _run_logged(cmd, log_path, "openssl (test certificates)", 60)
        # Kafka's PEM keystore: the unencrypted PKCS#8 key, then the certificate chain.
        tmp = keystore.with_suffix(".tmp")
        tmp.write_text((d / "broker.key").read_text() + (d / "broker.pem").read_text() + (d / "ca.pem").read_text())
        tmp.rename(keystore)
        return keystore

    def preflight(self) -> None:
        self.java = find_java()
        self.libs = ensure_kafka()

    def check_ports(self) -> None:
        check_port_free(self.s.bind_host, self.s.kafka_port, "Kafka listener")
        if self.s.kafka_seed_port:
            check_port_free(self.s.bind_host, self.s.kafka_seed_port, "Kafka seed listener")
        if self._sasl_port():
            check_port_free(self.s.bind_host, self._sasl_port(), "Kafka SASL listener")
        if self._ssl_port():
            check_port_free(self.s.bind_host, self._ssl_port(), "Kafka SSL listener")
        check_port_free("127.0.0.1", self._controller_port(), "Kafka controller")

    def _write_config(self) -> None:
        s = self.s
        ctrl = self._controller_port()
        listeners = [f"PLAINTEXT://{s.bind_host}:{s.kafka_port}", f"CONTROLLER://127.0.0.1:{ctrl}"]
        advertised = [f"PLAINTEXT://{s.kafka_advertised_host}:{s.kafka_port}"]
        protocols = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"]
        if s.kafka_seed_port:
            listeners.append(f"SEED://{s.bind_host}:{s.kafka_seed_port}")
            advertised.append(f"SEED://{s.kafka_seed_host}:{s.kafka_seed_port}")
            protocols.append("SEED:PLAINTEXT")
        security = {}  # per-listener settings of the SASL and SSL listeners
        if self._sasl_port():
            listeners.append(f"SASL://{s.bind_host}:{self._sasl_port()}")
            advertised.append(f"SASL://{s.kafka_advertised_host}:{self._sasl_port()}")
            protocols.append("SASL:SASL_PLAINTEXT")
            # PLAIN and SCRAM-SHA-256 only on this listener; brokers and the controller keep
            # talking PLAINTEXT. SCRAM users are in the cluster metadata (see spawn).
            security.update({
                "listener.name.sasl.sasl.enabled.mechanisms": "PLAIN,SCRAM-SHA-256",
                "listener.name.sasl.scram-sha-256.sasl.jaas.config":
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "listener.name.sasl.plain.sasl.jaas.config":
                    "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    f'username="{s.kafka_sasl_username}" password="{s.kafka_sasl_password}" '
                    f'user_{s.kafka_sasl_username}="{s.kafka_sasl_password}"'
                    + "".join(f' user_{name}="{password}"' for name, password in s.kafka_sasl_plain_users.items())
                    + ";",
            })
        if self._ssl_port():
            listeners.append(f"SSL://{s.bind_host}:{self._ssl_port()}")
            advertised.append(f"SSL://{s.kafka_advertised_host}:{self._ssl_port()}")
            protocols.append("SSL:SSL")
            security.update({
                "listener.name.ssl.ssl.keystore.type": "PEM",
                "listener.name.ssl.ssl.keystore.location": str(self._ensure_tls()),
                "listener.name.ssl.ssl.client.auth": "none",
            })
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{ctrl}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listeners": ",".join(listeners),
            "advertised.listeners": ",".join(advertised),
            "listener.security.protocol.map": ",".join(protocols),
            "log.dirs": str(self.data_dir),
            "num.partitions": str(s.kafka_partitions),
            "auto.create.topics.enable": "true" if s.kafka_auto_create_topics else "false",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "4",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "log.segment.bytes": str(256 * 1024 * 1024),
            # The log cleaner looks for compactable logs every second instead of every 15 s, so
            # a compacted topic with small segment.ms is compacted within seconds (tests of
            # offset gaps); idle cleaner checks cost nothing.
            "log.cleaner.backoff.ms": "1000",
            "num.network.threads": "2",
            "num.io.threads": "4",
            **security,
        }
        self.dir.mkdir(parents=True, exist_ok=True)
        text = "# Written by scripts/infra on every start; edit the settings, not this file.\n"
        text += "".join(f"{k}={v}\n" for k, v in props.items())
        self.config_path.write_text(text)
        (self.dir / "log4j2.properties").write_text(LOG4J2_PROPERTIES)

    def _java_cmd(self, main: str, *args: str, heap: str) -> List[str]:
        return [self.java, f"-Xmx{heap}", "-Xms128m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                f"-Dlog4j2.configurationFile={self.dir / 'log4j2.properties'}",
                f"-Dkafka.logs.dir={self.dir}",
                "-cp", f"{self.libs}/*", main, *args]

    def spawn(self) -> None:
        self._write_config()
        if not (self.data_dir / "meta.properties").exists():
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
            scram = []
            if self._sasl_port():
                # KRaft keeps SCRAM credentials in the metadata log: the first user is written
                # at format time; later changes go through the Admin API.
                scram = ["--add-scram", f"SCRAM-SHA-256=[name={self.s.kafka_scram_username},"
                                        f"password={self.s.kafka_scram_password}]"]
            _run_logged(self._java_cmd("kafka.tools.StorageTool", "format", "--ignore-formatted",
                                       # `=` form: a random id may start with '-', which
                                       # the tool's parser would read as an option.
                                       f"--cluster-id={cluster_id}", "-c", str(self.config_path),
                                       *scram, heap="256m"),
                        self.log_path, "kafka storage format", 120)
        self._launch(self._java_cmd("kafka.Kafka", str(self.config_path), heap=self.s.kafka_heap))

    def healthy(self) -> bool:
        host = "127.0.0.1" if self.s.bind_host in ("0.0.0.0", "") else self.s.bind_host
        if not kafka_brokers(host, self.s.kafka_port):
            return False
        if self._sasl_port():
            # Metadata needs authentication there; an accepted connection is enough to know the
            # listener is up (the PLAINTEXT check above proved the broker serves).
            with socket.create_connection((host, self._sasl_port()), timeout=2):
                pass
        if self._ssl_port():
            with socket.create_connection((host, self._ssl_port()), timeout=2):
                pass
        if self.s.kafka_seed_port:
            return bool(kafka_brokers(host, self.s.kafka_seed_port))
        return True


LOG4J2_PROPERTIES = """\
# Broker log4j 2 configuration written by scripts/infra: everything goes to stdout, which the
# launcher appends to kafka.log.
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.kafkaclients.name = org.apache.kafka.clients
logger.kafkaclients.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
"""


class MinIO(Component):
    name = "minio"

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.data_dir = self.dir / "data"
        self.setup_log = self.dir / "setup.log"

    def describe(self) -> dict:
        s = self.s
        return {"endpoint": s.minio_endpoint,
                "console": s.minio_endpoint.rsplit(":", 1)[0] + f":{s.minio_console_port}",
                "root_user": s.minio_root_user, "root_password": s.minio_root_password,
                "access_key": s.minio_access_key, "secret_key": s.minio_secret_key,
                "bucket": s.minio_bucket}

    def preflight(self) -> None:
        s = self.s
        if len(s.minio_root_user) < 3 or len(s.minio_root_password) < 8:
            raise InfraError("MinIO needs a root user of 3+ characters and a password of 8+")
        if len(s.minio_access_key) < 3 or len(s.minio_secret_key) < 8:
            raise InfraError("MinIO needs an access key of 3+ characters and a secret of 8+")
        self.minio = ensure_minio()
        self.mc = ensure_mc()

    def check_ports(self) -> None:
        check_port_free(self.s.bind_host, self.s.minio_port, "MinIO API")
        check_port_free(self.s.bind_host, self.s.minio_console_port, "MinIO console")

    def spawn(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update({"MINIO_ROOT_USER": self.s.minio_root_user,
                    "MINIO_ROOT_PASSWORD": self.s.minio_root_password,
                    "MINIO_UPDATE": "off", "MINIO_BROWSER_LOGIN_ANIMATION": "off"})
        self._launch([str(self.minio), "server", str(self.data_dir),
                      "--address", f"{self.s.bind_host}:{self.s.minio_port}",
                      "--console-address", f"{self.s.bind_host}:{self.s.minio_console_port}"],
                     env=env)

    def healthy(self) -> bool:
        for probe in ("live", "ready"):
            url = f"{self.s.minio_endpoint}/minio/health/{probe}"
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status != 200:
                        return False
            except urllib.error.URLError:
                return False
        return True

    def _mc(self, *args: str, check: bool = True) -> int:
        env = dict(os.environ)
        env["MC_CONFIG_DIR"] = str(self.dir / "mc")
        host = self.s.minio_endpoint.replace("://", f"://{self.s.minio_root_user}:"
                                                      f"{self.s.minio_root_password}@", 1)
        env["MC_HOST_basalt"] = host
        cmd = [str(self.mc), "--no-color", *args]
        with open(self.setup_log, "ab") as out:
            out.write(f"\n$ mc {' '.join(args)}\n".encode())
            out.flush()
            rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, timeout=60).returncode
        if check and rc != 0:
            raise InfraError(f"`mc {' '.join(args)}` failed (exit {rc}); last lines of "
                             f"{self.setup_log}:\n{tail(self.setup_log)}")
        return rc

    def after_healthy(self) -> None:
        """Creates the bucket and the access key, the way the seed's minio_mc job does."""
        s = self.s
        self._mc("mb", "--ignore-existing", f"basalt/{s.minio_bucket}")
        if s.minio_access_key == s.minio_root_user:
            return  # the root credentials are the key pair; nothing to create
        if self._mc("admin", "user", "svcacct", "info", "basalt", s.minio_access_key,
                    check=False) != 0:
            self._mc("admin", "user", "svcacct", "add", "--access-key", s.minio_access_key,
                     "--secret-key", s.minio_secret_key, "basalt", s.minio_root_user)


COMPONENT_TYPES = {"kafka": Kafka, "minio": MinIO}


# ---------------------------------------------------------------------------------------------
# The stack

class Infra:
    def __init__(self, settings: Settings, components=COMPONENTS):
        self.s = settings
        unknown = [c for c in components if c not in COMPONENT_TYPES]
        if unknown:
            raise InfraError(f"unknown component(s) {unknown}; expected some of {list(COMPONENTS)}")
        self.components = [COMPONENT_TYPES[c](settings) for c in components]

    def component(self, name: str) -> Component:
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)

    def _lock(self):
        self.s.run_dir.mkdir(parents=True, exist_ok=True)
        f = open(self.s.run_dir / ".lock", "w")
        fcntl.flock(f, fcntl.LOCK_EX)
        return f

    def install(self) -> None:
        for c in self.components:
            c.preflight()

    def up(self) -> Dict[str, dict]:
        """Starts every component that is not running yet; a no-op for the ones that are."""
        with self._lock():
            todo = []
            for c in self.components:
                state = c.state()
                if state and c.alive(state):
                    log(f"{c.name} is already running (pid {state['pid']})")
                    continue
                if state:
                    log(f"{c.name} had crashed (pid {state['pid']} is gone); restarting it. "
                        f"Last lines of {c.log_path}:\n{tail(c.log_path, 20)}")
                    c.state_path.unlink()
                todo.append(c)
            for c in todo:
                c.preflight()
            for c in todo:
                c.check_ports()
            started: List[Component] = []
            try:
                # Launch everything first, then wait: the JVM and MinIO start in parallel.
                t0 = time.monotonic()
                # MinIO's spawn returns at once; Kafka's formats storage first (a JVM run).
                for c in sorted(todo, key=lambda c: c.name != "minio"):
                    c.spawn()
                    started.append(c)
                deadline = t0 + self.s.health_timeout
                for c in todo:
                    c.wait_healthy(deadline)
                    log(f"{c.name} is healthy after {time.monotonic() - t0:.1f}s")
            except BaseException:
                for c in started:
                    c.stop(timeout=10)
                raise
            self._write_endpoints()
            return self.endpoints()

    def down(self) -> None:
        with self._lock():
            for c in self.components:
                if c.stop():
                    log(f"stopped {c.name}")
            try:
                (self.s.run_dir / "endpoints.json").unlink()
            except FileNotFoundError:
                pass

    def status(self) -> Dict[str, dict]:
        out = {}
        for c in self.components:
            state = c.state()
            if not state:
                out[c.name] = {"status": "stopped"}
            elif c.alive(state):
                out[c.name] = {"status": "running", **state}
            else:
                out[c.name] = {"status": "crashed", **state, "log_tail": tail(c.log_path)}
        return out

    def endpoints(self) -> Dict[str, dict]:
        out = {}
        for c in self.components:
            state = c.state()
            if state and c.alive(state):
                info = {k: v for k, v in state.items() if k not in ("cmd", "start_ticks")}
                out[c.name] = info
        return out

    def log_files(self) -> Dict[str, Path]:
        files = {}
        for c in self.components:
            files[c.name] = c.log_path
            if isinstance(c, MinIO):
                files["minio-setup"] = c.setup_log
        return files

    def _write_endpoints(self) -> None:
        eps = self.endpoints()
        (self.s.run_dir / "endpoints.json").write_text(json.dumps(eps, indent=1) + "\n")
        lines = ["# Source this file to point tools at the running services."]
        if "kafka" in eps:
            lines.append(f"export BASALT_KAFKA_BOOTSTRAP={eps['kafka']['bootstrap']}")
            if eps["kafka"].get("ssl_bootstrap"):
                lines += [f"export BASALT_KAFKA_SSL_BOOTSTRAP={eps['kafka']['ssl_bootstrap']}",
                          f"export BASALT_KAFKA_SSL_CA_LOCATION={eps['kafka']['ssl_ca_location']}"]
            if eps["kafka"].get("sasl_bootstrap"):
                k = eps["kafka"]
                lines += [f"export BASALT_KAFKA_SASL_BOOTSTRAP={k['sasl_bootstrap']}",
                          f"export BASALT_KAFKA_SASL_USERNAME={k['sasl_username']}",
                          f"export BASALT_KAFKA_SASL_PASSWORD={k['sasl_password']}"]
                if k.get("scram_username"):
                    lines += [f"export BASALT_KAFKA_SCRAM_USERNAME={k['scram_username']}",
                              f"export BASALT_KAFKA_SCRAM_PASSWORD={k['scram_password']}"]
        if "minio" in eps:
            m = eps["minio"]
            lines += [f"export BASALT_S3_ENDPOINT={m['endpoint']}",
                      f"export BASALT_S3_ACCESS_KEY={m['access_key']}",
                      f"export BASALT_S3_SECRET_KEY={m['secret_key']}",
                      f"export BASALT_S3_BUCKET={m['bucket']}"]
        (self.s.run_dir / "env.sh").write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------
# /etc/hosts entries for the seed's hostnames

def hosts_add(path: Path = Path("/etc/hosts")) -> bool:
    """Maps the seed's hostnames to 127.0.0.1; returns False when already present."""
    text = path.read_text()
    if any(HOSTS_MARKER in line for line in text.splitlines()):
        return False
    line = f"127.0.0.1 {' '.join(SEED_HOSTNAMES)}  {HOSTS_MARKER}\n"
    if text and not text.endswith("\n"):
        line = "\n" + line
    try:
        with open(path, "a") as f:  # append in place: /etc/hosts may be a bind mount
            f.write(line)
    except PermissionError:
        raise InfraError(f"cannot write {path}: run `scripts/infra hosts` as root") from None
    return True


def hosts_remove(path: Path = Path("/etc/hosts")) -> bool:
    text = path.read_text()
    kept = [ln for ln in text.splitlines(keepends=True) if HOSTS_MARKER not in ln]
    if len(kept) == len(text.splitlines(keepends=True)):
        return False
    try:
        with open(path, "r+") as f:
            f.seek(0)
            f.write("".join(kept))
            f.truncate()
    except PermissionError:
        raise InfraError(f"cannot write {path}: run `scripts/infra hosts --remove` as root") from None
    return True


def seed_hosts_resolve() -> List[str]:
    """Seed hostnames that do not resolve to a loopback address."""
    bad = []
    for name in SEED_HOSTNAMES:
        try:
            if not socket.gethostbyname(name).startswith("127."):
                bad.append(name)
        except OSError:
            bad.append(name)
    return bad


# ---------------------------------------------------------------------------------------------
# Command line

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scripts/infra",
        description="Start, check and stop the real Kafka broker and MinIO server used by Basalt's "
                    "tests, demos and benchmarks.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="""commands:
  up        install what is missing (cached), start, wait until healthy, print endpoints
  down      stop what `up` started (data stays in the run directory; --purge removes it)
  status    report each component: running / stopped / crashed (with the tail of its log);
            exit 0 when all are running, 1 when one crashed, 3 when stopped
  install   only build/resolve the cached Kafka jars, MinIO and mc
  hosts     add (or with --remove delete) the /etc/hosts line mapping minio and redpanda to
            127.0.0.1, so the seed tutorial's `minio:9000` and `redpanda:29092` resolve
  logs      print the tail of every component log

seed mode (--seed-ports): MinIO API on 9000 and console on 9001, Kafka on 9092 for local
clients plus a second listener on 29092 advertised as redpanda:29092, automatic topic creation on
(as Redpanda does), and, when run as root, the /etc/hosts entries. The tutorial's statements and
gen.py then run verbatim.""")
    p.add_argument("command", choices=["up", "down", "status", "install", "hosts", "logs"])
    p.add_argument("--run-dir", type=Path, default=Path(os.environ.get(
        "BASALT_INFRA_RUN_DIR", REPO_ROOT / "run" / "infra")),
        help="where config, data, logs and pids live (default: run/infra in the repository)")
    p.add_argument("--only", action="append", choices=list(COMPONENTS),
                   help="act on this component only (repeatable; default: all)")
    p.add_argument("--seed-ports", action="store_true", help="the seed tutorial's topology (see below)")
    p.add_argument("--bind-host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds to wait for health after start (default 120)")
    p.add_argument("--kafka-port", type=int, default=None, help="Kafka client port (default 9092)")
    p.add_argument("--kafka-controller-port", type=int, default=0,
                   help="KRaft controller port (default: a free port, remembered)")
    p.add_argument("--kafka-advertised-host", default="127.0.0.1")
    p.add_argument("--kafka-seed-port", type=int, default=None,
                   help="extra listener advertised as redpanda:<port> (seed mode: 29092)")
    p.add_argument("--kafka-sasl-port", type=int, default=0,
                   help="SASL_PLAINTEXT listener (mechanisms PLAIN and SCRAM-SHA-256) port (default: a free port, "
                        "remembered; -1 turns the listener off)")
    p.add_argument("--kafka-ssl-port", type=int, default=0,
                   help="SSL listener port, certificate signed by a generated test CA (default: a "
                        "free port, remembered; -1 turns the listener off)")
    p.add_argument("--kafka-sasl-username", default="basalt")
    p.add_argument("--kafka-sasl-password", default="basalt-secret")
    p.add_argument("--partitions", type=int, default=1,
                   help="partitions of automatically created topics (default 1)")
    p.add_argument("--auto-create-topics", choices=["on", "off"], default=None,
                   help="automatic topic creation (default off; on in seed mode)")
    p.add_argument("--kafka-heap", default="768m", help="broker JVM -Xmx (default 768m)")
    p.add_argument("--minio-port", type=int, default=9000, help="MinIO API port (default 9000)")
    p.add_argument("--minio-console-port", type=int, default=9001)
    p.add_argument("--minio-root-user", default="miniouser")
    p.add_argument("--minio-root-password", default="miniopassword")
    p.add_argument("--access-key", default=SEED_ACCESS_KEY, help="access key to create in MinIO")
    p.add_argument("--secret-key", default=SEED_SECRET_KEY)
    p.add_argument("--bucket", default="my-starrocks-bucket", help="bucket to create in MinIO")
    p.add_argument("--json", action="store_true", help="print endpoints/status as JSON on stdout")
    p.add_argument("--purge", action="store_true", help="down: also delete the run directory")
    p.add_argument("--remove", action="store_true", help="hosts: remove the entries instead")
    return p


def settings_from_args(a: argparse.Namespace) -> Settings:
    seed = a.seed_ports
    return Settings(
        run_dir=a.run_dir.resolve(), bind_host=a.bind_host, health_timeout=a.timeout,
        kafka_port=a.kafka_port if a.kafka_port is not None else 9092,
        kafka_controller_port=a.kafka_controller_port,
        kafka_advertised_host=a.kafka_advertised_host,
        kafka_seed_port=a.kafka_seed_port if a.kafka_seed_port is not None else (29092 if seed else 0),
        kafka_sasl_port=a.kafka_sasl_port, kafka_sasl_username=a.kafka_sasl_username,
        kafka_sasl_password=a.kafka_sasl_password, kafka_ssl_port=a.kafka_ssl_port,
        kafka_partitions=a.partitions,
        kafka_auto_create_topics=(a.auto_create_topics == "on") if a.auto_create_topics else seed,
        kafka_heap=a.kafka_heap,
        minio_port=a.minio_port, minio_console_port=a.minio_console_port,
        minio_root_user=a.minio_root_user, minio_root_password=a.minio_root_password,
        minio_access_key=a.access_key, minio_secret_key=a.secret_key, minio_bucket=a.bucket)


def _print_endpoints(eps: Dict[str, dict], run_dir: Path) -> None:
    if "kafka" in eps:
        k = eps["kafka"]
        seed = f"   seed listener {k['seed_bootstrap']}" if "seed_bootstrap" in k else ""
        print(f"kafka  {k.get('version', '')}  bootstrap {k['bootstrap']}{seed}   pid {k['pid']}")
        if "ssl_bootstrap" in k:
            print(f"       SSL {k['ssl_bootstrap']}   CA {k['ssl_ca_location']}")
        if "sasl_bootstrap" in k:
            print(f"       SASL_PLAINTEXT/PLAIN {k['sasl_bootstrap']}   user {k['sasl_username']} / "
                  f"{k['sasl_password']}")
            if k.get("scram_username"):
                print(f"       SASL_PLAINTEXT/SCRAM-SHA-256 {k['sasl_bootstrap']}   user {k['scram_username']} / "
                      f"{k['scram_password']}  (a storage formatted before SCRAM was added lacks this user)")
    if "minio" in eps:
        m = eps["minio"]
        print(f"minio  endpoint {m['endpoint']}   console {m['console']}   pid {m['pid']}")
        print(f"       root {m['root_user']} / {m['root_password']}   access key {m['access_key']}"
              f" / {m['secret_key']}   bucket {m['bucket']}")
    print(f"run dir {run_dir}  (logs: */*.log, endpoints.json, env.sh)")


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt  # unwinds through up(), which stops what it started


def main(argv: Optional[List[str]] = None) -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    a = _parser().parse_args(argv)
    settings = settings_from_args(a)
    infra = Infra(settings, tuple(a.only) if a.only else COMPONENTS)
    try:
        if a.command == "hosts":
            changed = hosts_remove() if a.remove else hosts_add()
            log(("removed" if a.remove else "added") + " the seed host entries" if changed
                else "nothing to change in /etc/hosts")
            return 0
        if a.command == "install":
            t0 = time.monotonic()
            infra.install()
            log(f"cached: {', '.join(c.name for c in infra.components)} "
                f"({time.monotonic() - t0:.1f}s)")
            return 0
        if a.command == "up":
            if a.seed_ports:
                if os.geteuid() == 0:
                    if hosts_add():
                        log("added /etc/hosts entries: 127.0.0.1 minio redpanda")
                elif seed_hosts_resolve():
                    log("warning: minio/redpanda do not resolve here; run `sudo scripts/infra hosts`")
            t0 = time.monotonic()
            eps = infra.up()
            log(f"up in {time.monotonic() - t0:.1f}s")
            if a.json:
                print(json.dumps(eps, indent=1))
            else:
                _print_endpoints(eps, settings.run_dir)
            return 0
        if a.command == "down":
            infra.down()
            if a.purge:
                shutil.rmtree(settings.run_dir, ignore_errors=True)
                log(f"removed {settings.run_dir}")
            return 0
        if a.command == "logs":
            for name, path in infra.log_files().items():
                print(f"==== {name}: {path}\n{tail(path)}")
            return 0
        if a.command == "status":
            st = infra.status()
            if a.json:
                print(json.dumps(st, indent=1))
            for name, info in st.items():
                if info["status"] == "running":
                    where = info.get("bootstrap") or info.get("endpoint")
                    log(f"{name}: running, pid {info['pid']}, {where}")
                elif info["status"] == "crashed":
                    log(f"{name}: CRASHED (pid {info['pid']} is gone); last lines of {info['log']}:\n"
                        f"{info['log_tail']}")
                else:
                    log(f"{name}: stopped")
            states = {i["status"] for i in st.values()}
            return 1 if "crashed" in states else (3 if "stopped" in states else 0)
    except InfraError as exc:
        log(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
