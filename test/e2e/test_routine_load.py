"""Routine Load against a real Kafka broker and a real MinIO: the seed's job and SHOW output, and
exactly-once delivery under kill -9 of the compute node and of the FE (rows produced with unique
ids are compared with the table: lost, duplicated and phantom rows must all be 0)."""
import json
import os
import re
import signal
import subprocess
import sys
import time

import pymysql
import pytest

from harness.quickstart import setup_quickstart
from harness.routine_load import (check_exactly_once, produce_ids, quickstart_topic, show_job, stats, table_rows,
                                  wait_loaded, wait_state)
from harness.util import REPO_ROOT


def seed_job_sql(bootstrap, topic, extra_properties=""):
    return f"""CREATE ROUTINE LOAD quickstart.clicks ON site_clicks
PROPERTIES
(
    "format" = "JSON",
    "jsonpaths" ="[\\"$.uid\\",\\"$.site\\",\\"$.vtime\\"]"{extra_properties}
)
FROM KAFKA
(
    "kafka_broker_list" = "{bootstrap}",
    "kafka_topic" = "{topic}",
    "kafka_partitions" = "0",
    "kafka_offsets" = "OFFSET_BEGINNING"
)"""


def gen(kafka, topic, count):
    """The seed's own gen.py (kafka-python), pointed at the test broker."""
    subprocess.run([sys.executable, str(REPO_ROOT / "deploy" / "seed" / "gen.py"), str(count),
                    "--bootstrap", kafka.bootstrap, "--topic", topic], check=True, capture_output=True, timeout=60)


def test_seed_job_loads_and_shows_like_starrocks(basalt_cluster, kafka, minio):
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "test2")
    gen(kafka, topic, 5)
    fe.execute(seed_job_sql(kafka.bootstrap, topic))

    job = wait_loaded(fe, "clicks", 5)
    assert list(job.keys()) == [
        "Id", "Name", "CreateTime", "PauseTime", "EndTime", "DbName", "TableName", "State", "DataSourceType",
        "CurrentTaskNum", "JobProperties", "DataSourceProperties", "CustomProperties", "Statistic", "Progress",
        "TimestampProgress", "ReasonOfStateChanged", "ErrorLogUrls", "TrackingSQL", "OtherMsg",
        "LatestSourcePosition"]
    assert job["Name"] == "clicks" and job["DbName"] == "quickstart" and job["TableName"] == "site_clicks"
    assert job["State"] == "RUNNING" and job["DataSourceType"] == "KAFKA" and job["CurrentTaskNum"] == "1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", job["CreateTime"])
    assert job["PauseTime"] is None and job["EndTime"] is None
    assert job["JobProperties"] == (
        '{"partitions":"*","partial_update":"false","columnToColumnExpr":"*","maxBatchIntervalS":"10",'
        '"partial_update_mode":"null","whereExpr":"*","dataFormat":"json","timezone":"Etc/UTC","format":"json",'
        '"log_rejected_record_num":"0","taskTimeoutSecond":"60","json_root":"","maxFilterRatio":"1.0",'
        '"strict_mode":"false","jsonpaths":"[\\"$.uid\\",\\"$.site\\",\\"$.vtime\\"]","taskConsumeSecond":"15",'
        '"desireTaskConcurrentNum":"5","maxErrorNum":"0","strip_outer_array":"false",'
        '"currentTaskConcurrentNum":"1","maxBatchRows":"200000"}')
    assert job["DataSourceProperties"] == (
        f'{{"topic":"{topic}","currentKafkaPartitions":"0","brokerList":"{kafka.bootstrap}"}}')
    assert re.fullmatch(r'\{"group\.id":"clicks_[0-9a-f-]{36}"\}', job["CustomProperties"])
    statistic = stats(job)
    assert list(statistic.keys()) == ["receivedBytes", "errorRows", "committedTaskNum", "loadedRows",
                                      "loadRowsRate", "abortedTaskNum", "totalRows", "unselectedRows",
                                      "receivedBytesRate", "taskExecuteTimeMs"]
    assert (statistic["loadedRows"], statistic["totalRows"], statistic["errorRows"]) == (5, 5, 0)
    assert statistic["receivedBytes"] > 300
    assert job["Progress"] == '{"0":"4"}'
    assert job["LatestSourcePosition"] == '{"0":"5"}'
    assert re.fullmatch(r'\{"0":"\d{13}"\}', job["TimestampProgress"])
    assert job["ReasonOfStateChanged"] == "" and job["ErrorLogUrls"] == "" and job["TrackingSQL"] == ""
    assert len(table_rows(fe)) == 5

    gen(kafka, topic, 5)
    job = wait_loaded(fe, "clicks", 10, timeout=60)
    assert job["Progress"] == '{"0":"9"}'
    assert len(table_rows(fe)) == 10

    # Tasks are listed while the job runs.
    tasks = fe.dicts('SHOW ROUTINE LOAD TASK FROM quickstart WHERE JobName = "clicks"')
    assert len(tasks) == 1 and list(tasks[0].keys())[:3] == ["TaskId", "TxnId", "TxnStatus"]

    # PAUSE / RESUME / STOP.
    fe.execute("PAUSE ROUTINE LOAD FOR quickstart.clicks")
    job = show_job(fe, "clicks")
    assert job["State"] == "PAUSED" and job["PauseTime"] is not None
    assert job["ReasonOfStateChanged"] == "ErrorReason{errCode = 100, msg='User root pauses routine load job'}"
    with pytest.raises(pymysql.MySQLError) as info:
        fe.execute("PAUSE ROUTINE LOAD FOR quickstart.clicks")
    assert "Could not transform PAUSED to PAUSED" in info.value.args[1]
    gen(kafka, topic, 3)
    time.sleep(1.5)
    assert len(table_rows(fe)) == 10  # nothing loads while paused
    fe.execute("RESUME ROUTINE LOAD FOR quickstart.clicks")
    wait_loaded(fe, "clicks", 13)
    fe.execute("STOP ROUTINE LOAD FOR quickstart.clicks")
    assert fe.dicts("SHOW ROUTINE LOAD", database="quickstart") == []
    assert show_job(fe, "clicks")["State"] == "STOPPED"


def test_bad_messages_pause_the_job_with_a_reason(basalt_cluster, kafka, minio):
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "bad")
    producer = kafka.producer()
    for i in range(3):
        producer.send(topic, json.dumps({"uid": i, "site": f"s{i}", "vtime": i}).encode())
    producer.send(topic, b"{this is not json")
    producer.flush()
    fe.execute(seed_job_sql(kafka.bootstrap, topic, ',\n    "max_batch_interval" = "1"'))
    job = wait_state(fe, "clicks", "PAUSED")
    assert "errCode = 102" in job["ReasonOfStateChanged"], job["ReasonOfStateChanged"]
    statistic = stats(job)
    assert (statistic["errorRows"], statistic["loadedRows"], statistic["totalRows"]) == (1, 3, 4)
    assert job["ErrorLogUrls"].startswith("http://")
    assert job["TrackingSQL"].startswith("select tracking_log from information_schema.load_tracking_logs")
    import urllib.request
    with urllib.request.urlopen(job["ErrorLogUrls"].split(", ")[-1], timeout=10) as reply:
        log = reply.read().decode()
    assert "Error:" in log and "{this is not json" in log, log
    # The TrackingSQL, run as shown, returns the rejected rows of the job with their reason.
    columns, tracking = fe.query(job["TrackingSQL"])
    assert columns == ["tracking_log"] and len(tracking) == 1, (columns, tracking)
    assert "Error:" in tracking[0][0] and "{this is not json" in tracking[0][0], tracking
    row = fe.dicts(f"SELECT * FROM information_schema.load_tracking_logs WHERE job_id = {job['Id']}")[0]
    assert list(row.keys()) == ["ID", "JOB_ID", "LABEL", "DATABASE_NAME", "TRACKING_LOG", "TYPE"]
    assert (str(row["ID"]), row["LABEL"], row["DATABASE_NAME"], row["TYPE"]) == (
        str(job["Id"]), "clicks", "quickstart", "ROUTINE_LOAD")
    # The committed batch is kept and the server keeps serving.
    assert len(table_rows(fe)) == 3

    # A compute node the heartbeats report dead is not asked for its logs: a hung CN (stopped, its
    # port still open) would otherwise cost the query an HTTP timeout. The log says why it is
    # missing, and the query answers at once.
    cn = basalt_cluster.cn
    os.kill(cn.pid, signal.SIGSTOP)
    try:
        fe.wait_cn_alive(cn, alive=False, timeout=30)
        started = time.monotonic()
        _, tracking = fe.query(job["TrackingSQL"])
        elapsed = time.monotonic() - started
        assert "is not alive" in tracking[0][0], tracking
        assert elapsed < 1.5, elapsed  # the HTTP timeout is 2 s
    finally:
        os.kill(cn.pid, signal.SIGCONT)
    fe.wait_cn_alive(cn)


def test_unknown_topic_pauses_with_a_reason(basalt_cluster, kafka, minio):
    fe = basalt_cluster.fe
    setup_quickstart(fe, minio, f"rl-notopic-{time.time_ns()}")
    fe.execute(seed_job_sql(kafka.bootstrap, "no_such_topic_here"))
    job = wait_state(fe, "clicks", "PAUSED")
    assert "errCode = 4" in job["ReasonOfStateChanged"] and "no_such_topic_here" in job["ReasonOfStateChanged"]


def test_derived_columns_and_where(basalt_cluster, kafka, minio):
    """jsonpaths feed a temporary column `t`; `vtime = t + 1` is derived; WHERE drops uid <= 2.
    Dropped rows are unselectedRows, a malformed message an errorRow, and they add up."""
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "derived")
    producer = kafka.producer()
    for i in range(1, 7):
        producer.send(topic, json.dumps({"uid": i, "site": f"s{i}", "t": i * 10, "extra": "ignored"}).encode())
    producer.send(topic, b"{oops")
    producer.flush()
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.derived ON site_clicks
        COLUMNS (uid, site, t, vtime = t + 1),
        WHERE uid > 2
        PROPERTIES (
            "format" = "json",
            "jsonpaths" = "[\\"$.uid\\",\\"$.site\\",\\"$.t\\"]",
            "max_error_number" = "5",
            "max_batch_interval" = "1"
        )
        FROM KAFKA (
            "kafka_broker_list" = "{kafka.bootstrap}",
            "kafka_topic" = "{topic}",
            "kafka_partitions" = "0",
            "kafka_offsets" = "OFFSET_BEGINNING"
        )""")
    job = wait_loaded(fe, "derived", 7, statistic="totalRows")
    statistic = stats(job)
    assert (statistic["totalRows"], statistic["loadedRows"], statistic["errorRows"],
            statistic["unselectedRows"]) == (7, 4, 1, 2), statistic
    assert statistic["totalRows"] == statistic["loadedRows"] + statistic["errorRows"] + statistic["unselectedRows"]
    properties = json.loads(job["JobProperties"])
    assert properties["columnToColumnExpr"] == "uid,site,t,vtime = t + 1"
    assert properties["whereExpr"] == "uid > 2"
    assert sorted(table_rows(fe)) == [(3, "s3", 31), (4, "s4", 41), (5, "s5", 51), (6, "s6", 61)]
    fe.execute("STOP ROUTINE LOAD FOR quickstart.derived")


@pytest.mark.parametrize("victim", ["cn", "fe"])
def test_exactly_once_under_kill9(basalt_cluster, kafka, minio, victim):
    fe, cn = basalt_cluster.fe, basalt_cluster.cn
    partitions = 4
    topic = quickstart_topic(fe, kafka, minio, f"eo_{victim}", partitions)
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.eo ON site_clicks
        PROPERTIES ("format" = "json", "max_batch_interval" = "1", "desired_concurrent_number" = "2")
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}",
                    "property.kafka_default_offsets" = "OFFSET_BEGINNING")""")
    produced = 0
    per_round = 2000
    cycles = 5
    for cycle in range(cycles):
        produce_ids(kafka, topic, produced, per_round, partitions)
        produced += per_round
        time.sleep(0.4 + 0.3 * cycle)  # land the kill at different points of a task
        proc = cn if victim == "cn" else fe
        proc.kill9()
        proc.start()
        fe.wait_cn_alive(cn)
    job = wait_loaded(fe, "eo", produced, timeout=120)
    lost, duplicated, phantom = check_exactly_once(fe, set(range(produced)))
    assert (lost, duplicated, phantom) == (0, 0, 0), f"lost={lost} duplicated={duplicated} phantom={phantom}"
    statistic = stats(job)
    assert statistic["loadedRows"] == produced and statistic["errorRows"] == 0
    assert statistic["totalRows"] == statistic["loadedRows"] + statistic["errorRows"] + statistic["unselectedRows"]
    progress = json.loads(job["Progress"])
    assert sum(int(v) + 1 for v in progress.values()) == produced


@pytest.mark.parametrize("point", ["fe_routine_load_before_commit", "fe_routine_load_after_commit"])
def test_fe_crash_at_commit_points_is_exactly_once(basalt_cluster, kafka, minio, point):
    """kill -9 of the FE right before and right after the commit entry of a routine load task."""
    fe, cn = basalt_cluster.fe, basalt_cluster.cn
    topic = quickstart_topic(fe, kafka, minio, f"crash_{point[-6:]}", 2)
    produce_ids(kafka, topic, 0, 500, 2)
    fe.stop()
    fe.env["BASALT_FAILPOINTS"] = f"{point}=crash"
    fe.start()
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.crash ON site_clicks
        PROPERTIES ("format" = "json", "max_batch_interval" = "1")
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}",
                    "property.kafka_default_offsets" = "OFFSET_BEGINNING")""")
    assert fe.wait_exit(60) != 0, "the failpoint did not fire"
    fe.env.clear()
    fe.start()
    fe.wait_cn_alive(cn)
    produce_ids(kafka, topic, 500, 500, 2)
    wait_loaded(fe, "crash", 1000, timeout=90)
    assert check_exactly_once(fe, set(range(1000))) == (0, 0, 0)
