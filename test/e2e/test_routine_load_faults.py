"""Routine load under faults (shared/spec/reliability.md §4): a Kafka broker restart, a MinIO
outage, PAUSE / ALTER / RESUME while messages keep arriving, and the bad-input corpus. Each test
produces unique ids and compares the table with what was produced: lost, duplicated and phantom
rows must all be 0, and the job's counters must add up."""
import json
import threading
import time

import pymysql
import pytest

from harness.quickstart import setup_quickstart
from harness.routine_load import (check_exactly_once, produce_ids, quickstart_topic, show_job, stats, table_rows,
                                  wait_loaded, wait_state)


def create_job(fe, kafka, topic, name="faults", extra=""):
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.{name} ON site_clicks
        PROPERTIES ("format" = "json", "max_batch_interval" = "1"{extra})
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}",
                    "property.kafka_default_offsets" = "OFFSET_BEGINNING")""")


def counters_add_up(job):
    s = stats(job)
    assert s["totalRows"] == s["loadedRows"] + s["errorRows"] + s["unselectedRows"], s
    return s


def test_broker_restart_under_load(basalt_cluster, kafka, minio):
    if kafka.infra is None:
        pytest.skip("Kafka is external (BASALT_E2E_KAFKA_BOOTSTRAP); it cannot be restarted here")
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "brk", 2)
    produce_ids(kafka, topic, 0, 2000, 2)
    create_job(fe, kafka, topic)
    time.sleep(1.0)
    kafka.infra.down()
    try:
        time.sleep(4.0)
        # The job keeps trying; it is not paused by a broker that is only gone for a while.
        assert show_job(fe, "faults")["State"] == "RUNNING"
    finally:
        kafka.infra.up()
    produce_ids(kafka, topic, 2000, 2000, 2)
    job = wait_loaded(fe, "faults", 4000, timeout=120)
    assert check_exactly_once(fe, set(range(4000))) == (0, 0, 0)
    assert counters_add_up(job)["loadedRows"] == 4000


def test_minio_outage_during_routine_load(basalt_cluster, kafka, minio):
    if minio.infra is None:
        pytest.skip("MinIO is external (BASALT_E2E_S3_ENDPOINT); it cannot be stopped here")
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "s3out", 2)
    produce_ids(kafka, topic, 0, 1000, 2)
    create_job(fe, kafka, topic)
    wait_loaded(fe, "faults", 1000, timeout=60)
    minio.infra.down()
    try:
        produce_ids(kafka, topic, 1000, 1000, 2)
        time.sleep(8.0)  # tasks fail to write and abort; offsets must not move
        job = show_job(fe, "faults")
        assert job["State"] == "RUNNING"
        assert stats(job)["loadedRows"] == 1000
        assert stats(job)["abortedTaskNum"] >= 1
    finally:
        minio.infra.up()
    job = wait_loaded(fe, "faults", 2000, timeout=120)
    assert check_exactly_once(fe, set(range(2000))) == (0, 0, 0)
    counters_add_up(job)


def test_pause_alter_resume_under_load(basalt_cluster, kafka, minio):
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "alter", 3)
    create_job(fe, kafka, topic)
    total = 6000
    done = threading.Event()

    def produce():
        for start in range(0, total, 500):
            produce_ids(kafka, topic, start, 500, 3)
            time.sleep(0.2)
        done.set()

    producer = threading.Thread(target=produce)
    producer.start()
    try:
        time.sleep(1.0)
        fe.execute("PAUSE ROUTINE LOAD FOR quickstart.faults")
        with pytest.raises(pymysql.MySQLError):
            fe.execute('ALTER ROUTINE LOAD FOR quickstart.faults PROPERTIES ("format" = "csv")')
        fe.execute('ALTER ROUTINE LOAD FOR quickstart.faults PROPERTIES ("max_error_number" = "10", '
                   '"desired_concurrent_number" = "2")')
        job = show_job(fe, "faults")
        assert job["State"] == "PAUSED"
        assert '"maxErrorNum":"10"' in job["JobProperties"] and '"desireTaskConcurrentNum":"2"' in job["JobProperties"]
        time.sleep(1.0)
        fe.execute("RESUME ROUTINE LOAD FOR quickstart.faults")
        time.sleep(1.5)
        fe.execute("PAUSE ROUTINE LOAD FOR quickstart.faults")
        fe.execute("RESUME ROUTINE LOAD FOR quickstart.faults")
    finally:
        producer.join()
    job = wait_loaded(fe, "faults", total, timeout=120)
    assert check_exactly_once(fe, set(range(total))) == (0, 0, 0)
    counters_add_up(job)


def test_bad_input_corpus(basalt_cluster, kafka, minio):
    """reliability.md §4.3: every kind of bad message is an error row with a reason; good rows load;
    the job keeps running while errors stay within max_error_number; FE and CN keep serving."""
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "corpus")
    good = [json.dumps({"uid": i, "site": f"s{i}", "vtime": i}).encode() for i in range(10)]
    bad = [
        b"{not json",                                            # malformed
        b'{"uid": "abc", "site": "x", "vtime": 1}',              # wrong type into NOT NULL BIGINT
        b'{"uid": 100, "site": "x"}',                            # missing NOT NULL field
        b"",                                                     # empty message
        bytes(range(256)) * 4,                                   # binary garbage
        b'[{"uid": 101, "site": "x", "vtime": 1}]',              # array without strip_outer_array
        b'{"uid": 102, "site": "x", "vtime": "not a number"}',   # unconvertible, NOT NULL
    ]
    big = json.dumps({"uid": 1000, "site": "x" * (512 * 1024), "vtime": 1}).encode()  # oversized but valid
    producer = kafka.producer(max_request_size=4 * 1024 * 1024)
    for message in good[:5] + bad + [big] + good[5:]:
        producer.send(topic, message)
    producer.flush()
    create_job(fe, kafka, topic, name="corpus", extra=',\n "max_error_number" = "100"')
    job = wait_loaded(fe, "corpus", 11, timeout=60)
    counters = counters_add_up(job)
    assert (counters["loadedRows"], counters["errorRows"]) == (11, len(bad)), counters
    assert job["State"] == "RUNNING"
    assert job["ErrorLogUrls"].startswith("http://")
    uids = sorted(r[0] for r in table_rows(fe, "SELECT uid FROM site_clicks"))
    assert uids == list(range(10)) + [1000]
    _, rows = fe.query("SELECT length(site) FROM site_clicks WHERE uid = 1000", database="quickstart")
    assert int(rows[0][0]) == 512 * 1024

    # The same corpus in strict mode: the wrong-type rows are errors there too, nothing else changes.
    fe.execute("STOP ROUTINE LOAD FOR quickstart.corpus")
    fe.execute("TRUNCATE TABLE site_clicks", database="quickstart")
    create_job(fe, kafka, topic, name="strict", extra=',\n "max_error_number" = "100", "strict_mode" = "true"')
    job = wait_loaded(fe, "strict", 11, timeout=60)
    assert stats(job)["errorRows"] == len(bad)


def test_wrong_broker_list_pauses_with_a_reason(basalt_cluster, minio):
    fe = basalt_cluster.fe
    setup_quickstart(fe, minio, f"rl-nobroker-{time.time_ns()}")
    fe.execute("""CREATE ROUTINE LOAD quickstart.nobroker ON site_clicks PROPERTIES ("format" = "json")
        FROM KAFKA ("kafka_broker_list" = "127.0.0.1:1", "kafka_topic" = "t")""")
    job = wait_state(fe, "nobroker", "PAUSED")
    assert "errCode = 4" in job["ReasonOfStateChanged"] and "127.0.0.1:1" in job["ReasonOfStateChanged"], job
    # The server keeps serving.
    assert table_rows(fe) == []
