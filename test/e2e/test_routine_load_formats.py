"""Routine Load format and job properties against a real Kafka broker and a real MinIO: CSV
`enclose` / `escape` / `trim_space`, the job `timezone` as seen by from_unixtime in COLUMNS, and
`max_filter_ratio` (a batch over the ratio is not loaded and pauses the job until ALTER + RESUME)."""
import json
from datetime import datetime

from harness.routine_load import quickstart_topic, show_job, stats, table_rows, wait_job, wait_state


def kafka_source(kafka, topic):
    return f"""FROM KAFKA (
            "kafka_broker_list" = "{kafka.bootstrap}",
            "kafka_topic" = "{topic}",
            "kafka_partitions" = "0",
            "kafka_offsets" = "OFFSET_BEGINNING"
        )"""


def produce(kafka, topic, messages):
    producer = kafka.producer()
    for m in messages:
        producer.send(topic, m.encode())
    producer.flush()


def test_csv_enclose_escape_and_trim_space(basalt_cluster, kafka, minio):
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "csv_quoted")
    produce(kafka, topic, [
        '1,"a,b",10',                       # a separator inside the enclosure
        '2,"line one\nline two",20\n3,  "say ""hi"""  ,30',  # a row delimiter inside; doubled encloses; spaces
        '4,back\\,slash,40',                # an escaped separator
        '5,"never closed,50',               # an error row naming the enclose character
    ])
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.quoted ON site_clicks
        COLUMNS TERMINATED BY ','
        PROPERTIES (
            "enclose" = "\\"",
            "escape" = "\\\\",
            "trim_space" = "true",
            "max_error_number" = "5",
            "max_batch_interval" = "1"
        )
        {kafka_source(kafka, topic)}""")
    job = wait_job(fe, "quoted", lambda j: stats(j)["totalRows"] >= 5, timeout=40)
    assert job["State"] == "RUNNING", job
    assert (stats(job)["loadedRows"], stats(job)["errorRows"]) == (4, 1), job["Statistic"]
    assert table_rows(fe, "SELECT uid, site, vtime FROM site_clicks ORDER BY uid") == [
        (1, "a,b", 10), (2, "line one\nline two", 20), (3, 'say "hi"', 30), (4, "back,slash", 40)]
    properties = json.loads(job["JobProperties"])
    assert (properties["enclose"], properties["escape"], properties["trim_space"]) == ("34", "92", "true")
    import urllib.request
    with urllib.request.urlopen(job["ErrorLogUrls"].split(", ")[-1], timeout=10) as reply:
        log = reply.read().decode()
    assert "unterminated enclose character '\"'" in log, log
    fe.execute("STOP ROUTINE LOAD FOR quickstart.quoted")


def test_timezone_applies_to_from_unixtime_in_columns(basalt_cluster, kafka, minio):
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "tz")
    for table in ("in_shanghai", "in_utc"):
        fe.execute(f"CREATE TABLE {table} (uid bigint NOT NULL, ts bigint, dt datetime) "
                   "DISTRIBUTED BY HASH(uid)", database="quickstart")
    produce(kafka, topic, ["1,1700000000", "2,0"])
    for table, zone in (("in_shanghai", "Asia/Shanghai"), ("in_utc", "UTC")):
        fe.execute(f"""CREATE ROUTINE LOAD quickstart.{table} ON {table}
            COLUMNS TERMINATED BY ',',
            COLUMNS (uid, ts, dt = from_unixtime(ts))
            PROPERTIES ("timezone" = "{zone}", "max_batch_interval" = "1")
            {kafka_source(kafka, topic)}""")
    for table in ("in_shanghai", "in_utc"):
        job = wait_job(fe, table, lambda j: stats(j)["loadedRows"] >= 2, timeout=40)
        assert job["State"] == "RUNNING", job
    shanghai = table_rows(fe, "SELECT uid, dt FROM in_shanghai ORDER BY uid")
    utc = table_rows(fe, "SELECT uid, dt FROM in_utc ORDER BY uid")
    assert shanghai == [(1, datetime(2023, 11, 15, 6, 13, 20)), (2, datetime(1970, 1, 1, 8))], shanghai
    assert utc == [(1, datetime(2023, 11, 14, 22, 13, 20)), (2, datetime(1970, 1, 1))], utc
    assert json.loads(show_job(fe, "in_shanghai")["JobProperties"])["timezone"] == "Asia/Shanghai"
    for table in ("in_shanghai", "in_utc"):
        fe.execute(f"STOP ROUTINE LOAD FOR quickstart.{table}")


def test_max_filter_ratio_refuses_the_batch_and_pauses(basalt_cluster, kafka, minio):
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "ratio")
    # 4 good rows, 4 with a missing field: 4 of 8 selected rows filtered, 0.5 > 0.2.
    produce(kafka, topic, [f"{i},s{i},{i * 10}" for i in range(1, 5)] + [f"{i},short" for i in range(5, 9)])
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.ratio ON site_clicks
        COLUMNS TERMINATED BY ','
        PROPERTIES (
            "max_filter_ratio" = "0.2",
            "max_error_number" = "100",
            "max_batch_interval" = "1"
        )
        {kafka_source(kafka, topic)}""")
    job = wait_state(fe, "ratio", "PAUSED", timeout=40)
    reason = job["ReasonOfStateChanged"]
    assert reason.startswith("ErrorReason{errCode = 102, msg='too many filtered rows: 4 of 8 rows filtered "
                             "(ratio 0.5 > max_filter_ratio 0.2)"), reason
    assert "'max_filter_ratio' property to a greater value through ALTER ROUTINE LOAD" in reason
    # Nothing of the batch is visible and the offsets did not move.
    assert table_rows(fe, "SELECT count(*) FROM site_clicks") == [(0,)]
    assert job["Progress"] in ('{"0":"OFFSET_BEGINNING"}', '{"0":"OFFSET_ZERO"}'), job["Progress"]
    assert stats(job)["loadedRows"] == 0 and stats(job)["abortedTaskNum"] >= 1, job["Statistic"]
    assert json.loads(job["JobProperties"])["maxFilterRatio"] == "0.2"
    assert job["ErrorLogUrls"].startswith("http://"), job

    fe.execute('ALTER ROUTINE LOAD FOR quickstart.ratio PROPERTIES ("max_filter_ratio" = "1")')
    fe.execute("RESUME ROUTINE LOAD FOR quickstart.ratio")
    job = wait_job(fe, "ratio", lambda j: stats(j)["loadedRows"] >= 4, timeout=40)
    assert job["State"] == "RUNNING", job
    assert stats(job)["errorRows"] == 4
    assert job["Progress"] == '{"0":"7"}'
    assert table_rows(fe, "SELECT uid FROM site_clicks ORDER BY uid") == [(1,), (2,), (3,), (4,)]
    fe.execute("STOP ROUTINE LOAD FOR quickstart.ratio")
