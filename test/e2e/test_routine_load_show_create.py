"""SHOW CREATE ROUTINE LOAD (shared/spec/starrocks_surface.md §3.2) against a real Kafka broker and
a real MinIO: StarRocks' columns (Job, Create Job), secrets masked, the generated group.id left
out, and the printed statement, run under a new name, creates an equivalent job that loads the
topic exactly once."""
import json

import pymysql
import pytest

from harness.routine_load import check_exactly_once, produce_ids, quickstart_topic, show_job, stats, wait_loaded


def job_properties(job):
    """JobProperties without currentTaskConcurrentNum (runtime state, 0 once a job stops)."""
    props = json.loads(job["JobProperties"])
    props.pop("currentTaskConcurrentNum")
    return props


def test_show_create_routine_load_round_trips(basalt_cluster, kafka, minio):
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "showcreate", 2)
    produce_ids(kafka, topic, 0, 100, 2)
    secret = "not-a-real-secret-4711"
    fe.execute(f"""CREATE ROUTINE LOAD quickstart.orig ON site_clicks
        COLUMNS (uid, site, vtime), WHERE uid >= 0
        PROPERTIES ("format" = "json", "jsonpaths" = "[\\"$.uid\\",\\"$.site\\",\\"$.vtime\\"]",
                    "max_batch_interval" = "1", "desired_concurrent_number" = "2", "strict_mode" = "true")
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}",
                    "kafka_partitions" = "0,1", "kafka_offsets" = "OFFSET_BEGINNING,OFFSET_BEGINNING",
                    "property.client.id" = "basalt-e2e-show-create",
                    "property.ssl.key.password" = "{secret}")""")
    orig = wait_loaded(fe, "orig", 100, 60)

    columns, rows = fe.query("SHOW CREATE ROUTINE LOAD quickstart.orig")
    assert columns == ["Job", "Create Job"], columns
    assert len(rows) == 1 and rows[0][0] == "orig", rows
    text = rows[0][1]
    # The current database's job, unqualified, is the same statement.
    assert fe.query("SHOW CREATE ROUTINE LOAD orig", database="quickstart")[1] == rows
    assert text.startswith("CREATE ROUTINE LOAD `quickstart`.`orig` ON `site_clicks`\n"), text
    assert "COLUMNS (uid, site, vtime),\nWHERE uid >= 0\nPROPERTIES\n(" in text, text
    assert '"kafka_offsets" = "OFFSET_BEGINNING,OFFSET_BEGINNING"' in text, text
    assert '"property.ssl.key.password" = "******"' in text and secret not in text, text
    assert "group.id" not in text, text  # made up at CREATE: left to the new job

    # Only one job loads the topic at a time, so the copy's rows can be checked exactly once.
    fe.execute("STOP ROUTINE LOAD FOR quickstart.orig")
    fe.execute("TRUNCATE TABLE site_clicks", database="quickstart")
    copy_text = text.replace("`quickstart`.`orig`", "`quickstart`.`copy`", 1)
    fe.execute(copy_text)
    copy = wait_loaded(fe, "copy", 100, 60)
    assert check_exactly_once(fe, set(range(100))) == (0, 0, 0)
    produce_ids(kafka, topic, 100, 50, 2)
    copy = wait_loaded(fe, "copy", 150, 60)
    assert copy["State"] == "RUNNING", copy
    assert check_exactly_once(fe, set(range(150))) == (0, 0, 0)

    # Equivalent: the same job properties, data source and custom properties (but the group.id).
    orig = show_job(fe, "orig")
    assert job_properties(copy) == job_properties(orig), (copy, orig)
    assert copy["DataSourceProperties"] == orig["DataSourceProperties"], (copy, orig)
    orig_custom, copy_custom = json.loads(orig["CustomProperties"]), json.loads(copy["CustomProperties"])
    assert copy_custom.pop("group.id").startswith("copy_") and orig_custom.pop("group.id").startswith("orig_")
    assert copy_custom == orig_custom == {"client.id": "basalt-e2e-show-create", "ssl.key.password": "******"}
    assert stats(copy)["errorRows"] == 0
    # And the copy prints the same statement under its own name.
    assert fe.query("SHOW CREATE ROUTINE LOAD quickstart.copy")[1] == [("copy", copy_text)]


def test_show_create_routine_load_of_an_unknown_job(basalt_cluster):
    fe = basalt_cluster.fe
    fe.execute("CREATE DATABASE IF NOT EXISTS quickstart")
    errors = []
    for sql in ("SHOW ROUTINE LOAD FOR quickstart.nosuch", "SHOW CREATE ROUTINE LOAD quickstart.nosuch"):
        with pytest.raises(pymysql.err.MySQLError) as error:
            fe.query(sql)
        errors.append(error.value.args)
    assert errors[0] == errors[1] == (1064, "Routine load job [nosuch] does not exist in database [quickstart]"), errors
