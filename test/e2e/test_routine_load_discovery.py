"""Routine Load after RUNNING against a real Kafka broker and a real MinIO: partitions added to the
topic are discovered and loaded exactly once, a new compute node re-divides the job, the job is
visible in information_schema.routine_load_jobs and SHOW ROUTINE LOAD sorts and limits, and a
table schema change re-binds COLUMNS / WHERE (or pauses the job naming the dropped column)."""
import json
import time

import pymysql
import pytest

from harness import basalt as basalt_harness
from harness.routine_load import LOADING, produce_ids, quickstart_topic, show_job, wait_loaded, wait_state
from harness.util import wait_until

# The jobs here may show UNSTABLE (lagging) while they load.
STILL_LOADING = LOADING + ("UNSTABLE",)


def uids(fe):
    _, rows = fe.query("SELECT uid FROM site_clicks", database="quickstart")
    return [int(r[0]) for r in rows]


@pytest.fixture
def cluster(basalt):
    # Partition discovery every second instead of every 5, so the test does not wait for it.
    c = basalt_harness.Cluster(basalt, basalt.fe(routine_load_partition_discovery_interval_second=1))
    c.add_cn()
    return c


def test_new_partitions_and_new_compute_node_after_running(cluster, kafka, minio):
    fe = cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "discover")
    produce_ids(kafka, topic, 0, 100, 1)
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.grow ON site_clicks
        PROPERTIES ("format" = "json", "max_batch_interval" = "1", "desired_concurrent_number" = "3")
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}",
                    "property.kafka_default_offsets" = "OFFSET_BEGINNING")""")
    job = wait_loaded(fe, "grow", 100, timeout=90, states=STILL_LOADING)
    assert json.loads(job["DataSourceProperties"])["currentKafkaPartitions"] == "0"
    assert job["CurrentTaskNum"] == "1"

    # Two more partitions while the job runs; rows go to all three (new ones from their start:
    # kafka_default_offsets = OFFSET_BEGINNING also applies to discovered partitions).
    from kafka.admin import NewPartitions
    admin = kafka.admin()
    try:
        admin.create_partitions({topic: NewPartitions(total_count=3)})
    finally:
        admin.close()
    kafka.wait_partitions(topic, 3)
    produce_ids(kafka, topic, 100, 300, 3)
    job = wait_loaded(fe, "grow", 400, timeout=90, states=STILL_LOADING)
    assert json.loads(job["DataSourceProperties"])["currentKafkaPartitions"] == "0,1,2"
    seen = uids(fe)
    assert len(seen) == 400 and set(seen) == set(range(400)), "lost or duplicated rows"
    progress = json.loads(job["Progress"])
    assert sorted(progress) == ["0", "1", "2"]
    assert sum(int(v) + 1 for v in progress.values()) == 400
    # One compute node: one task for the three partitions.
    assert job["CurrentTaskNum"] == "1"

    # A second compute node changes the concurrency: the job is divided again into two tasks.
    cluster.add_cn()
    wait_until(lambda: show_job(fe, "grow")["CurrentTaskNum"] == "2", 30, "job re-divided over 2 CNs")
    job = show_job(fe, "grow")
    assert json.loads(job["JobProperties"])["currentTaskConcurrentNum"] == "2"
    produce_ids(kafka, topic, 400, 300, 3)
    job = wait_loaded(fe, "grow", 700, timeout=90, states=STILL_LOADING)
    seen = uids(fe)
    assert len(seen) == 700 and set(seen) == set(range(700)), "lost or duplicated rows"

    # information_schema.routine_load_jobs: the SHOW cells plus the per-partition lag.
    def caught_up():
        rows = fe.dicts("SELECT * FROM information_schema.routine_load_jobs WHERE NAME = 'grow'")
        return rows and json.loads(rows[0]["OFFSET_LAG"]) == {"0": "0", "1": "0", "2": "0"} and rows[0]
    row = wait_until(caught_up, 30, "offset lag 0 on every partition")
    assert list(row.keys()) == [
        "ID", "NAME", "CREATE_TIME", "PAUSE_TIME", "END_TIME", "DB_NAME", "TABLE_NAME", "STATE",
        "DATA_SOURCE_TYPE", "CURRENT_TASK_NUM", "JOB_PROPERTIES", "DATA_SOURCE_PROPERTIES", "CUSTOM_PROPERTIES",
        "STATISTICS", "PROGRESS", "REASONS_OF_STATE_CHANGED", "ERROR_LOG_URLS", "TRACKING_SQL", "OTHER_MSG",
        "LATEST_SOURCE_POSITION", "OFFSET_LAG", "TIMESTAMP_PROGRESS"]
    job = show_job(fe, "grow")
    assert str(row["ID"]) == job["Id"] and row["DB_NAME"] == "quickstart" and row["STATE"] == "RUNNING"
    assert row["PROGRESS"] == job["Progress"] and row["DATA_SOURCE_PROPERTIES"] == job["DataSourceProperties"]
    assert json.loads(row["LATEST_SOURCE_POSITION"]) == {p: str(int(o) + 1) for p, o in progress_of(job).items()}

    # Stopped jobs stay in information_schema; SHOW sorts and limits.
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.aaa ON site_clicks PROPERTIES ("format" = "json")
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}")""")
    fe.execute("STOP ROUTINE LOAD FOR quickstart.aaa")
    states = {r["NAME"]: r["STATE"] for r in
              fe.dicts("SELECT NAME, STATE FROM information_schema.routine_load_jobs WHERE DB_NAME = 'quickstart'")}
    assert states == {"grow": "RUNNING", "aaa": "STOPPED"}
    names = [r["Name"] for r in fe.dicts("SHOW ALL ROUTINE LOAD ORDER BY Name", database="quickstart")]
    assert names == ["aaa", "grow"]
    names = [r["Name"] for r in fe.dicts("SHOW ALL ROUTINE LOAD ORDER BY CreateTime DESC LIMIT 1",
                                          database="quickstart")]
    assert names == ["aaa"]
    assert [r["Name"] for r in fe.dicts("SHOW ALL ROUTINE LOAD LIMIT 1 OFFSET 1", database="quickstart")] == ["aaa"]
    assert [r["Name"] for r in fe.dicts("SHOW ROUTINE LOAD ORDER BY Id DESC", database="quickstart")] == ["grow"]
    with pytest.raises(pymysql.MySQLError) as info:
        fe.dicts("SHOW ALL ROUTINE LOAD ORDER BY Progress", database="quickstart")
    assert info.value.args[0] == 1064 and "Progress" in info.value.args[1]
    fe.execute("STOP ROUTINE LOAD FOR quickstart.grow")


def progress_of(job):
    return json.loads(job["Progress"])


def test_schema_change_rebinds_where_and_a_dropped_column_pauses(cluster, kafka, minio):
    fe = cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "schema")
    produce_ids(kafka, topic, 1, 3, 1)
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.evolve ON site_clicks
        WHERE vtime > 0
        PROPERTIES ("format" = "json", "jsonpaths" = "[\\"$.uid\\",\\"$.site\\",\\"$.vtime\\"]",
                    "max_batch_interval" = "1")
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}",
                    "property.kafka_default_offsets" = "OFFSET_BEGINNING")""")
    wait_loaded(fe, "evolve", 3, timeout=90, states=STILL_LOADING)

    # ADD COLUMN: the job re-binds against the new schema and keeps loading.
    fe.execute("ALTER TABLE site_clicks ADD COLUMN extra bigint NULL", database="quickstart")
    produce_ids(kafka, topic, 4, 3, 1)
    wait_loaded(fe, "evolve", 6, timeout=90, states=STILL_LOADING)
    _, rows = fe.query("SELECT uid, extra FROM site_clicks ORDER BY uid", database="quickstart")
    assert [tuple(r) for r in rows] == [(i, None) for i in range(1, 7)]

    # DROP COLUMN of what WHERE reads: the job pauses, naming the column.
    fe.execute("ALTER TABLE site_clicks DROP COLUMN vtime", database="quickstart")
    produce_ids(kafka, topic, 7, 1, 1)
    reason = wait_state(fe, "evolve", "PAUSED")["ReasonOfStateChanged"]
    assert "errCode = 103" in reason and "vtime" in reason, reason
    assert sorted(uids(fe)) == list(range(1, 7))  # nothing of the batch was loaded
    fe.execute("STOP ROUTINE LOAD FOR quickstart.evolve")


def test_unstable_while_consumed_messages_lag_then_stable(basalt, kafka, minio):
    """routine_load_unstable_threshold_second = 1: while tasks keep finding messages stamped a minute
    ago the job shows UNSTABLE with the SLOW_RUNNING_ERR reason; once a task finds nothing new it is
    RUNNING again."""
    cluster = basalt_harness.Cluster(basalt, basalt.fe(routine_load_unstable_threshold_second=1))
    cluster.add_cn()
    fe = cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "unstable")
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.slow ON site_clicks
        PROPERTIES ("format" = "json", "max_batch_interval" = "1")
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}",
                    "property.kafka_default_offsets" = "OFFSET_BEGINNING")""")
    producer = kafka.producer(linger_ms=0)
    seen = None
    deadline = time.monotonic() + 60
    i = 0
    while time.monotonic() < deadline:
        producer.send(topic, json.dumps({"uid": i, "site": "s", "vtime": i}).encode(),
                      timestamp_ms=int(time.time() * 1000) - 60_000)
        producer.flush()
        i += 1
        job = show_job(fe, "slow")
        if job["State"] == "UNSTABLE":
            seen = job
            break
        time.sleep(0.2)
    producer.close()
    assert seen is not None, "the job never showed UNSTABLE"
    assert seen["ReasonOfStateChanged"].startswith("ErrorReason{errCode = 105, msg='The lag [")
    assert "exceeds Config.routine_load_unstable_threshold_second [1]" in seen["ReasonOfStateChanged"]
    row = fe.dicts("SELECT STATE FROM information_schema.routine_load_jobs WHERE NAME = 'slow'")[0]
    assert row["STATE"] in ("UNSTABLE", "RUNNING")
    # Nothing new: the next task resets the substate.
    wait_state(fe, "slow", "RUNNING", timeout=30)
    assert show_job(fe, "slow")["ReasonOfStateChanged"] == ""
    wait_loaded(fe, "slow", i, timeout=90, states=STILL_LOADING)
    fe.execute("STOP ROUTINE LOAD FOR quickstart.slow")
