"""INSERT and SELECT through real processes and a real MinIO: the commit rule holds when the compute
node dies between writing segments and the commit, and when the object store goes away during an
INSERT; committed rows survive restarts of both processes."""
import re
import time

import pymysql
import pytest

from harness.quickstart import setup_quickstart

def rows_of(fe, sql="SELECT uid, site, vtime FROM site_clicks ORDER BY uid"):
    _, rows = fe.query(sql, database="quickstart")
    return [tuple(r) for r in rows]


def object_keys(minio, prefix):
    s3 = minio.client()
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=minio.bucket, Prefix=prefix + "/"):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return keys


def insert_error(fe, sql):
    with pytest.raises(pymysql.MySQLError) as info:
        fe.execute(sql, database="quickstart")
    return info.value.args


def values(first, count):
    return ", ".join(f"({i}, 'https://site/{i}', {1718034793 + i})" for i in range(first, first + count))


def test_insert_select_round_trip_survives_restarts(basalt_cluster, minio):
    fe, cn = basalt_cluster.fe, basalt_cluster.cn
    prefix = f"roundtrip-{time.time_ns()}"
    setup_quickstart(fe, minio, prefix)
    conn = fe.connect(database="quickstart")
    with conn.cursor() as cur:
        affected = cur.execute(f"INSERT INTO site_clicks VALUES {values(1, 5)}")
        message = conn._result.message or b""
        # The info string is length-prefixed (what the mysql CLI and Connector/J read); PyMySQL
        # hands back the raw rest of the packet, prefix included.
        if message and message[0] == len(message) - 1:
            message = message[1:]
        info = message.decode()
    conn.close()
    assert affected == 5
    assert re.fullmatch(r"\{'label':'insert_[0-9a-f-]{36}', 'status':'VISIBLE', 'txnId':'\d+'\}", info), info
    expected = [(i, f"https://site/{i}", 1718034793 + i) for i in range(1, 6)]
    assert rows_of(fe) == expected

    # Segments and transaction logs are in the bucket under db/table/partition/tablet prefixes.
    keys = object_keys(minio, prefix)
    assert any(re.search(r"db\d+/t\d+/p\d+/tablet\d+/data/\d+_1_\d+\.seg$", k) for k in keys), keys
    assert any(re.search(r"db\d+/t\d+/p\d+/tablet\d+/log/\d+_1\.txnlog$", k) for k in keys), keys

    fe.kill9()
    cn.kill9()
    fe.start()
    cn.start()
    fe.wait_cn_alive(cn)
    assert rows_of(fe) == expected
    fe.execute(f"INSERT INTO site_clicks VALUES {values(6, 5)}", database="quickstart")
    assert rows_of(fe, "SELECT count(*), count(DISTINCT uid) FROM site_clicks") == [(10, 10)]


def test_cn_killed_between_segment_write_and_commit(basalt, minio, wait_until):
    fe = basalt.fe()
    cn = basalt.cn(start=False)
    cn.env["BASALT_FAILPOINTS"] = "cn_write_after_segments=crash"
    cn.start()
    fe.execute(f'ALTER SYSTEM ADD COMPUTE NODE "{cn.endpoint}"')
    fe.wait_cn_alive(cn)
    prefix = f"cnkill-{time.time_ns()}"
    setup_quickstart(fe, minio, prefix)

    started = time.monotonic()
    code, message = insert_error(fe, f"INSERT INTO site_clicks WITH LABEL doomed VALUES {values(1, 50)}")
    assert time.monotonic() - started < 60
    assert code == 1064 and "doomed" in message, message
    assert cn.wait_exit(10) != 0  # the failpoint killed it after the segments were written
    # The segments reached the bucket but nothing is visible.
    assert any(k.endswith(".seg") for k in object_keys(minio, prefix))
    cn.env.clear()
    cn.start()
    fe.wait_cn_alive(cn)
    assert rows_of(fe) == []
    # The aborted transaction's objects are recorded for garbage collection, across restarts.
    assert re.search(r"aborted transaction \d+: ", fe.log_text())
    fe.kill9()
    fe.start()
    fe.wait_cn_alive(cn)
    assert rows_of(fe) == []
    # The label of an aborted INSERT may be used again, and the retry lands exactly once.
    fe.execute(f"INSERT INTO site_clicks WITH LABEL doomed VALUES {values(1, 50)}", database="quickstart")
    assert rows_of(fe, "SELECT count(*), count(DISTINCT uid) FROM site_clicks") == [(50, 50)]


def test_fe_killed_before_commit_aborts_the_insert(basalt_cluster, minio):
    """The FE dies after the CN wrote the segments but before the commit entry: after the restart
    the transaction is aborted, never published, and its label is free again."""
    fe = basalt_cluster.fe
    setup_quickstart(fe, minio, f"fekill-{time.time_ns()}")
    fe.execute(f"INSERT INTO site_clicks VALUES {values(1, 3)}", database="quickstart")
    fe.stop()
    fe.env["BASALT_FAILPOINTS"] = "fe_insert_before_commit=crash"
    fe.start()
    with pytest.raises(pymysql.MySQLError):
        fe.execute(f"INSERT INTO site_clicks WITH LABEL half VALUES {values(10, 3)}", database="quickstart")
    assert fe.wait_exit(10) != 0
    fe.env.clear()
    fe.start()
    fe.wait_cn_alive(basalt_cluster.cn)
    assert "aborted 1 load transactions left running" in fe.log_text()
    assert [r[0] for r in rows_of(fe)] == [1, 2, 3]
    fe.execute(f"INSERT INTO site_clicks WITH LABEL half VALUES {values(10, 3)}", database="quickstart")
    assert [r[0] for r in rows_of(fe)] == [1, 2, 3, 10, 11, 12]


def test_minio_stopped_during_insert(basalt_cluster, minio):
    if minio.infra is None:
        pytest.skip("MinIO is external (BASALT_E2E_S3_ENDPOINT); it cannot be stopped here")
    fe = basalt_cluster.fe
    prefix = f"outage-{time.time_ns()}"
    setup_quickstart(fe, minio, prefix)
    fe.execute(f"INSERT INTO site_clicks VALUES {values(1, 5)}", database="quickstart")
    minio.infra.down()
    try:
        started = time.monotonic()
        code, message = insert_error(fe, f"INSERT INTO site_clicks VALUES {values(100, 5)}")
        elapsed = time.monotonic() - started
        assert code == 1064, message
        assert "failed" in message and minio.host_port.split(":")[-1] in message, message
        assert minio.secret_key not in message
        assert elapsed < 60, f"the error took {elapsed:.1f}s"
        # The FE and CN keep serving. A read is answered from the CN's data cache (segments were
        # cached on write) or fails cleanly; it never shows the failed INSERT's rows.
        try:
            assert [r[0] for r in rows_of(fe)] == [1, 2, 3, 4, 5]
        except pymysql.MySQLError as exc:
            assert exc.args[0] == 1064, exc.args
    finally:
        minio.infra.up()
    assert [r[0] for r in rows_of(fe)] == [1, 2, 3, 4, 5]
    fe.execute(f"INSERT INTO site_clicks VALUES {values(100, 5)}", database="quickstart")
    assert rows_of(fe, "SELECT count(*) FROM site_clicks") == [(10,)]
