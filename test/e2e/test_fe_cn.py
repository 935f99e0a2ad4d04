"""basalt-fe and basalt-cn as real processes: durability, journal damage, cluster membership,
HTTP, command line and configuration, KILL.

Every test starts its own processes on free loopback ports under its tmp dir (fixtures in
conftest.py, helpers in harness/basalt.py) and stops them with SIGTERM, which must exit 0.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time

import pymysql
import pytest

from harness import basalt as hb
from harness.util import processes_mentioning, wait_until

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
PERCENT = re.compile(r"^\d+(\.\d+)? %$")

# A dead CN is refused at once, but one heartbeat may still wait for its timeout; allow every
# retry a full interval plus timeout, and two extra seconds for a loaded Debug + ASan build.
DEAD_WITHIN = (hb.TEST_HEARTBEAT_RETRY_TIMES
               * (hb.TEST_HEARTBEAT_INTERVAL_MS + hb.TEST_HEARTBEAT_TIMEOUT_MS) / 1000 + 2.0)
# cn_client.h: the FE caps gRPC's reconnect backoff at 1 s "so a CN that starts after being
# registered is seen within about one max_reconnect_backoff"; add an interval and slack.
ALIVE_WITHIN = 1.0 + hb.TEST_HEARTBEAT_INTERVAL_MS / 1000 + 1.8


def sql_error(fn, *args, **kw) -> pymysql.MySQLError:
    with pytest.raises(pymysql.MySQLError) as info:
        fn(*args, **kw)
    return info.value


def database_names(fe: hb.FrontendProcess):
    return {row[0] for row in fe.query("SHOW DATABASES")[1]}


def check_bob(fe: hb.FrontendProcess) -> None:
    conn = fe.connect(user="bob", password="pw")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT CURRENT_USER()")
            assert "bob" in cur.fetchone()[0]
    finally:
        conn.close()
    err = sql_error(fe.connect, user="bob", password="wrong")
    assert err.args[0] == 1045, err


# ---------------------------------------------------------------------------------------------
# FE durability


def test_fe_catalog_survives_kill9_and_sigterm(basalt_fe):
    fe = basalt_fe
    fe.execute("CREATE DATABASE d1")
    fe.execute("CREATE USER 'bob' IDENTIFIED BY 'pw'")
    expected = {"d1"}
    for cycle in range(2, 5):  # three crash/restart cycles, one new database each
        fe.kill9()
        fe.start()
        assert expected <= database_names(fe), f"after kill -9 #{cycle - 1}"
        check_bob(fe)
        fe.execute(f"CREATE DATABASE d{cycle}")
        expected.add(f"d{cycle}")

    fe.stop()  # SIGTERM: exit 0 (asserted) after a final checkpoint
    fe.start()
    assert expected <= database_names(fe)
    check_bob(fe)
    # And the state written after the image survives a crash as well.
    fe.execute("CREATE DATABASE d5")
    fe.kill9()
    fe.start()
    assert expected | {"d5"} <= database_names(fe)
    check_bob(fe)


@pytest.mark.parametrize("how", ["sigterm", "kill9"])
def test_fe_refuses_to_start_on_damaged_journal(basalt_fe, how):
    fe = basalt_fe
    for i in range(6):
        fe.execute(f"CREATE DATABASE c{i}")
    fe.stop() if how == "sigterm" else fe.kill9()

    journals = fe.journal_files()
    assert journals, f"no journal.<20 digits> file in {fe.meta_dir}: {list(fe.meta_dir.iterdir())}"
    journal = journals[-1]
    record, flipped = hb.flip_payload_byte(journal)

    fe.start(wait=False)
    # Normally well under a second; the deadline only separates "gave up" from "hangs" on a
    # loaded machine.
    rc = fe.wait_exit(timeout=30)
    assert rc != 0, "the FE started on a damaged journal"
    assert rc > 0, f"the FE crashed ({rc}) instead of exiting with an error"

    stderr = fe.stderr_text()
    assert "basalt-fe ready" not in stderr, stderr
    assert journal.name in stderr, f"stderr does not name {journal.name}:\n{stderr}"
    offsets = {m for m in re.findall(r"offset (\d+)", stderr)}
    assert offsets & {str(record), str(flipped)}, (
        f"stderr names no offset of the damaged record (record at {record}, byte {flipped}):\n"
        f"{stderr}")
    assert journal.name in fe.log_text(), "fe.log does not record the failure"

    # It never served: both ports refuse connections, and no process is left.
    for port in (fe.query_port, fe.http_port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert processes_mentioning(str(fe.meta_dir)) == []


# ---------------------------------------------------------------------------------------------
# Cluster membership


def test_compute_node_membership_lifecycle(basalt):
    fe = basalt.fe()
    cn = basalt.cn(start=False)
    fe.execute(f'ALTER SYSTEM ADD COMPUTE NODE "{cn.endpoint}"')

    columns, rows = fe.query("SHOW COMPUTE NODES")
    assert columns == hb.COMPUTE_NODE_COLUMNS
    assert len(rows) == 1
    row = dict(zip(columns, rows[0]))
    assert row["Alive"] == "false"
    assert row["IP"] == "127.0.0.1" and int(row["HeartbeatPort"]) == cn.heartbeat_port

    cn.start()
    row = fe.wait_cn_alive(cn)
    assert row["ErrMsg"] == ""
    assert int(row["BePort"]) == cn.conf["be_port"]
    assert int(row["HttpPort"]) == cn.conf["be_http_port"]
    assert int(row["BrpcPort"]) == cn.conf["brpc_port"]
    assert int(row["StarletPort"]) == cn.conf["starlet_port"]
    assert row["Version"], row
    assert DATETIME.match(row["LastHeartbeat"]), row
    assert DATETIME.match(row["LastStartTime"]), row
    assert PERCENT.match(row["MemUsedPct"]) and PERCENT.match(row["CpuUsedPct"]), row
    assert row["SystemDecommissioned"] == "false" and row["ClusterDecommissioned"] == "false"
    assert int(row["ComputeNodeId"]) > 0 and int(row["CpuCores"]) > 0
    assert int(row["TabletNum"]) >= 0 and row["WarehouseName"] == "default_warehouse"
    first_id = row["ComputeNodeId"]
    # Heartbeats keep coming.
    wait_until(lambda: fe.compute_node(cn.endpoint)["LastHeartbeat"] != row["LastHeartbeat"],
               5, "LastHeartbeat to advance")

    # A crashed CN is noticed within a few heartbeat intervals and says why.
    cn.kill9()
    row = fe.wait_cn_alive(cn, alive=False, timeout=DEAD_WITHIN)
    assert row["ErrMsg"], row

    cn.start()
    row = fe.wait_cn_alive(cn)
    assert row["ErrMsg"] == "" and row["ComputeNodeId"] == first_id

    # Membership is journaled: a crashed and restarted FE still knows the node.
    fe.kill9()
    fe.start()
    row = fe.compute_node(cn.endpoint)
    assert row is not None and row["ComputeNodeId"] == first_id
    fe.wait_cn_alive(cn)
    # ... and so is a clean restart.
    fe.stop()
    fe.start()
    fe.wait_cn_alive(cn)

    fe.execute(f'ALTER SYSTEM DROP COMPUTE NODE "{cn.endpoint}"')
    assert fe.compute_nodes() == []
    fe.kill9()
    fe.start()
    assert fe.compute_nodes() == [], "a dropped node came back after an FE restart"


def test_compute_node_seen_alive_soon_after_it_starts(basalt):
    """Liveness latency: the FE must notice a (re)started CN within about one reconnect backoff,
    not only after gRPC's exponential backoff has grown."""
    fe = basalt.fe()
    cn = basalt.cn(start=False)
    fe.execute(f'ALTER SYSTEM ADD COMPUTE NODE "{cn.endpoint}"')
    wait_until(lambda: fe.compute_node(cn.endpoint)["ErrMsg"], 5, "a heartbeat to fail")
    for cycle in range(3):
        if cycle:
            cn.kill9()
            fe.wait_cn_alive(cn, alive=False, timeout=DEAD_WITHIN)
        started = time.monotonic()
        cn.start()
        fe.wait_cn_alive(cn, timeout=30)
        took = time.monotonic() - started
        assert took <= ALIVE_WITHIN, (
            f"{'re' if cycle else ''}start #{cycle + 1}: the CN was seen Alive {took:.1f}s after "
            f"it started; expected <= {ALIVE_WITHIN:.1f}s with heartbeat_interval_ms="
            f"{hb.TEST_HEARTBEAT_INTERVAL_MS} and the FE's 1 s reconnect backoff cap")


def test_alter_system_compute_node_errors(basalt_cluster):
    fe, cn = basalt_cluster.fe, basalt_cluster.cn

    err = sql_error(fe.execute, f'ALTER SYSTEM ADD COMPUTE NODE "{cn.endpoint}"')
    assert cn.endpoint in str(err), err
    for bad in ("127.0.0.1:abc", "no_port_here", "127.0.0.1:70000", ":9050"):
        err = sql_error(fe.execute, f'ALTER SYSTEM ADD COMPUTE NODE "{bad}"')
        assert bad in str(err), f"error for {bad!r} does not name it: {err}"
    err = sql_error(fe.execute, 'ALTER SYSTEM DROP COMPUTE NODE "127.0.0.1:1"')
    assert "127.0.0.1:1" in str(err), err

    rows = fe.compute_nodes()
    assert len(rows) == 1 and rows[0]["Alive"] == "true", rows


def test_show_frontends_with_mysql_cli(basalt_fe):
    fe = basalt_fe
    cli = shutil.which("mysql") or shutil.which("mariadb")
    assert cli, "the mariadb client is missing: scripts/install_deps.sh test installs it"
    # The seed's docker-compose health check, verbatim apart from host and port.
    out = subprocess.run([cli, f"-P{fe.query_port}", "-h127.0.0.1", "-uroot", "-e",
                          r"show frontends\G"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "Alive: true" in out.stdout, out.stdout

    columns, rows = fe.query("SHOW FRONTENDS")
    assert columns == hb.FRONTEND_COLUMNS
    assert len(rows) == 1
    row = dict(zip(columns, rows[0]))
    assert int(row["QueryPort"]) == fe.query_port and int(row["HttpPort"]) == fe.http_port
    assert int(row["RpcPort"]) == fe.conf["rpc_port"], row
    assert int(row["EditLogPort"]) == fe.conf["edit_log_port"], row
    assert row["Role"] == "LEADER" and row["Alive"] == "true", row


# ---------------------------------------------------------------------------------------------
# HTTP


def _queries_total(fe: hb.FrontendProcess) -> float:
    status, body = hb.http_get(fe.http + "/metrics")
    assert status == 200, body
    m = re.search(r"^basalt_fe_queries_total(?:\{[^}]*\})? (\S+)$", body, re.M)
    assert m, f"no basalt_fe_queries_total sample in /metrics:\n{body[:2000]}"
    assert "# TYPE basalt_fe_queries_total counter" in body
    return float(m.group(1))


def test_http_health_and_metrics(basalt_cluster):
    fe, cn = basalt_cluster.fe, basalt_cluster.cn
    status, body = hb.http_get(fe.http + "/api/health")
    assert status == 200 and '"status":"OK"' in body.replace(" ", ""), body

    before = _queries_total(fe)
    conn = fe.connect()
    try:
        with conn.cursor() as cur:
            for i in range(5):
                cur.execute(f"SELECT {i}")
    finally:
        conn.close()
    after = _queries_total(fe)
    assert after >= before + 5, (before, after)

    status, body = hb.http_get(cn.http + "/api/health")
    assert status == 200 and "OK" in body, body
    status, body = hb.http_get(cn.http + "/metrics")
    assert status == 200 and "# TYPE" in body, body[:500]


# ---------------------------------------------------------------------------------------------
# Command line and configuration


def test_help_of_both_binaries():
    fe = hb.run_binary("basalt-fe", ["--help"])
    assert fe.returncode == 0, fe.stderr
    assert "query_port" in fe.stdout and "meta_dir" in fe.stdout
    assert "heartbeat_interval_ms" in fe.stdout  # ComputeNodeManagerConfigKeys
    cn = hb.run_binary("basalt-cn", ["--help"])
    assert cn.returncode == 0, cn.stderr
    assert "heartbeat_service_port" in cn.stdout and "be_port" in cn.stdout


@pytest.mark.parametrize("program,key", [
    ("basalt-fe", "query_port"),
    ("basalt-fe", "http_port"),
    ("basalt-cn", "heartbeat_service_port"),
    ("basalt-cn", "be_http_port"),
])
def test_exits_when_its_port_is_taken(basalt, program, key):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        make = basalt.fe if program == "basalt-fe" else basalt.cn
        proc = make(start=False, **{key: port})
        proc.start(wait=False)
        rc = proc.wait_exit(timeout=30)
    assert rc > 0, f"exit code {rc}"
    stderr = proc.stderr_text()
    assert str(port) in stderr, f"stderr does not name port {port}:\n{stderr}"
    assert "ready" not in stderr.replace("already", ""), stderr
    assert processes_mentioning(str(proc.root)) == []


@pytest.mark.parametrize("program,key,value", [
    ("basalt-fe", "query_port", "abc"),
    ("basalt-fe", "http_port", "70000"),
    ("basalt-fe", "heartbeat_interval_ms", "soon"),
    ("basalt-fe", "run_mode", "shared_nothing"),
    ("basalt-cn", "be_port", "abc"),
    ("basalt-cn", "heartbeat_service_port", "-3"),
])
def test_bad_config_value_names_the_key(basalt, program, key, value):
    proc = basalt.fe(start=False) if program == "basalt-fe" else basalt.cn(start=False)
    proc.conf[key] = value
    proc.start(wait=False)
    rc = proc.wait_exit(timeout=30)
    assert rc > 0, f"{program} --{key}={value}: exit code {rc}"
    stderr = proc.stderr_text()
    assert key in stderr, f"stderr does not name {key}:\n{stderr}"
    assert processes_mentioning(str(proc.root)) == []


STARROCKS_FE_CONF = """\
# A StarRocks-style fe.conf: keys Basalt reads, keys it accepts, keys it has never heard of.
LOG_DIR = ${{STARROCKS_HOME}}/log
DATE = "$(date +%Y%m%d-%H%M%S)"
JAVA_OPTS = "-Xmx1g -XX:+UseG1GC -Xlog:gc*:${{LOG_DIR}}/fe.gc.log.$DATE"
sys_log_level = INFO
meta_dir = {meta_dir}
sys_log_dir = {sys_log_dir}
http_port = {http_port}
rpc_port = {rpc_port}
query_port = {query_port}
edit_log_port = {edit_log_port}
query_host = 127.0.0.1
mysql_service_nio_enabled = true
priority_networks = 127.0.0.1/24
run_mode = shared_data
cloud_native_storage_type = S3
aws_s3_path = bucket/x
aws_s3_endpoint = 127.0.0.1:9000
aws_s3_access_key = AAAAAAAAAAAAAAAAAAAA
aws_s3_secret_key = BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
aws_s3_use_instance_profile = false
enable_load_volume_from_conf = true
heartbeat_interval_ms = {heartbeat_interval_ms}
"""

STARROCKS_CN_CONF = """\
sys_log_level = INFO
be_port = {be_port}
be_http_port = {be_http_port}
heartbeat_service_port = {heartbeat_service_port}
brpc_port = {brpc_port}
starlet_port = {starlet_port}
host = 127.0.0.1
sys_log_dir = {sys_log_dir}
storage_root_path = {storage_root_path}
priority_networks = 127.0.0.1/24
datacache_enable = true
datacache_disk_size = 80%
JAVA_OPTS = "-Xmx1g"
lake_compaction_max_tasks = -1
"""


def test_starrocks_conf_files_with_unknown_keys_only_warn(basalt):
    fe = basalt.fe(start=False)
    fe.conf_file = fe.root / "fe.conf"
    fe.conf_file.write_text(STARROCKS_FE_CONF.format(**fe.conf))
    fe.start()
    log = fe.log_text()
    assert "mysql_service_nio_enabled" in log, f"no warning about the unknown key:\n{log}"
    assert not re.search(r"^\S+ \S+ [EF] ", log, re.M), f"errors logged:\n{log}"
    assert "information_schema" in database_names(fe)
    # enable_load_volume_from_conf created the built-in volume from the aws_s3_* keys.
    _, rows = fe.query("DESC STORAGE VOLUME builtin_storage_volume")
    name, type_, is_default, location, params, enabled, _comment = rows[0]
    assert (type_, is_default, location) == ("S3", "true", "s3://bucket/x")
    assert '"aws.s3.secret_key":"******"' in params and '"aws.s3.endpoint":"127.0.0.1:9000"' in params
    assert b"BBBBBBBBBBBBBBBBBBBB" not in b"".join(p.read_bytes() for p in fe.meta_dir.iterdir() if p.is_file())

    cn = basalt.cn(start=False)
    cn.conf_file = cn.root / "cn.conf"
    cn.conf_file.write_text(STARROCKS_CN_CONF.format(**cn.conf))
    cn.start()
    # StarRocks' datacache_* keys are Basalt's too (the CN's data cache); keys it has no use for
    # only warn.
    stderr = cn.stderr_text()
    assert "JAVA_OPTS" in stderr and "lake_compaction_max_tasks" in stderr, "no warning about the unknown keys"
    assert "datacache_disk_size" not in stderr
    fe.execute(f'ALTER SYSTEM ADD COMPUTE NODE "{cn.endpoint}"')
    row = fe.wait_cn_alive(cn)
    assert int(row["BePort"]) == cn.conf["be_port"]


def test_cn_creates_its_log_dir(basalt):
    cn = basalt.cn(start=False)
    log_dir = cn.root / "new" / "log"
    cn.conf["sys_log_dir"] = log_dir
    cn.start()
    assert (log_dir / "cn.log").exists(), (
        f"basalt-cn did not create sys_log_dir (basalt-fe does); stderr:\n{cn.stderr_text()}")


# ---------------------------------------------------------------------------------------------
# KILL


def test_kill_connection_from_another_session(basalt_fe):
    """KILL <id> closes the other connection: its very next statement fails. Repeated, since the
    client sends that statement right after KILL returns and the server must not answer it."""
    fe = basalt_fe
    b = fe.connect()
    try:
        for attempt in range(10):
            a = fe.connect()
            try:
                with a.cursor() as cur:
                    cur.execute("SELECT CONNECTION_ID()")
                    a_id = int(cur.fetchone()[0])
                with b.cursor() as cur:
                    cur.execute("SHOW PROCESSLIST")
                    assert a_id in {int(r[0]) for r in cur.fetchall()}
                    cur.execute(f"KILL {a_id}")

                with pytest.raises(pymysql.MySQLError) as info:
                    with a.cursor() as cur:
                        cur.execute("SELECT 1")
                        got = cur.fetchall()
                    pytest.fail(f"attempt {attempt}: killed connection {a_id} still answered "
                                f"SELECT 1 with {got}")
                err = info.value
                assert isinstance(err, (pymysql.err.OperationalError,
                                        pymysql.err.InterfaceError)), err
                if isinstance(err, pymysql.err.OperationalError):
                    # 2013 lost connection / 2006 gone away, or ER_CONNECTION_KILLED / 1053 sent
                    # before the server closes.
                    assert err.args[0] in (2006, 2013, 2055, 1053, 1927), err
            finally:
                try:
                    a.close()
                except Exception:
                    pass

            def a_gone():
                with b.cursor() as cur:
                    cur.execute("SHOW PROCESSLIST")
                    return a_id not in {int(r[0]) for r in cur.fetchall()}

            wait_until(a_gone, 10, f"connection {a_id} to leave SHOW PROCESSLIST")

        with b.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone()[0] == 1
            err = sql_error(cur.execute, f"KILL {a_id}")
            assert err.args[0] == 1094, err  # ER_NO_SUCH_THREAD
    finally:
        b.close()


def test_set_global_reaches_new_sessions_and_survives_restart(basalt_fe):
    fe = basalt_fe
    fe.execute("SET GLOBAL wait_timeout = 1234")
    fe.execute("SET GLOBAL character_set_results = NULL")
    # (PyMySQL's own SET NAMES at connect sets the session's character_set_results, so the
    # global value is read with @@global.)
    _, rows = fe.query("SELECT @@global.wait_timeout, @@wait_timeout, @@global.character_set_results")
    assert rows == [(1234, 1234, None)]
    # A session's own SET wins over the global value and does not change it.
    conn = fe.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("SET SESSION wait_timeout = 7")
            cur.execute("SELECT @@wait_timeout, @@global.wait_timeout")
            assert cur.fetchone() == (7, 1234)
    finally:
        conn.close()
    with pytest.raises(pymysql.MySQLError) as info:
        fe.execute("SET GLOBAL version_comment = 'x'")
    assert info.value.args[0] == 1238
    fe.kill9()
    fe.start()
    _, rows = fe.query("SELECT @@wait_timeout, @@global.character_set_results")
    assert rows == [(1234, None)]
    _, rows = fe.query("SHOW GLOBAL VARIABLES LIKE 'wait_timeout'")
    assert rows == [("wait_timeout", "1234")]
