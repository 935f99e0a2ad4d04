"""The seed tutorial (shared/seed/), verbatim, end to end.

The tutorial's topology on one machine: Kafka and MinIO started by `scripts/infra up --seed-ports`
(MinIO on 9000 with the seed's keys and bucket, a Kafka listener advertised as redpanda:29092,
/etc/hosts entries for `minio` and `redpanda`), basalt-fe on the StarRocks ports with the seed's
shared-data configuration, and basalt-cn registered with ALTER SYSTEM ADD COMPUTE NODE before its
process is up, as the seed's compose file does. Every statement is the tutorial's own text, sent
with the mysql CLI; gen.py is the tutorial's producer (kafka-python). Outputs are compared with the
tutorial's wherever they are deterministic. Then both processes are killed with SIGKILL, and
everything must still be there and 5 more messages must arrive exactly once.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import basalt as _basalt
from harness import logs
from harness.util import REPO_ROOT

SEED_PORTS = {"query": 9030, "http": 8030, "rpc": 9020, "edit_log": 9010, "be": 9060, "be_http": 8040,
              "heartbeat": 9050, "brpc": 8060, "starlet": 9070, "minio": 9000, "minio_console": 9001,
              "kafka": 9092, "kafka_seed": 29092}

CREATE_VOLUME = """CREATE STORAGE VOLUME s3_volume
    TYPE = S3
    LOCATIONS = ("s3://my-starrocks-bucket/")
    PROPERTIES (
         "enabled" = "true",
         "aws.s3.endpoint" = "minio:9000",
         "aws.s3.access_key" = "AAAAAAAAAAAAAAAAAAAA",
         "aws.s3.secret_key" = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
         "aws.s3.use_instance_profile" = "false",
         "aws.s3.use_aws_sdk_default_behavior" = "false"
     );"""

CREATE_TABLE = """CREATE TABLE site_clicks (
    `uid` bigint NOT NULL COMMENT "uid",
    `site` string NOT NULL COMMENT "site url",
    `vtime` bigint NOT NULL COMMENT "vtime"
)
DISTRIBUTED BY HASH(`uid`)
PROPERTIES("replication_num"="1");"""

CREATE_ROUTINE_LOAD = """CREATE ROUTINE LOAD quickstart.clicks ON site_clicks
PROPERTIES
(
    "format" = "JSON",
    "jsonpaths" ="[\\"$.uid\\",\\"$.site\\",\\"$.vtime\\"]"
)
FROM KAFKA
(
    "kafka_broker_list" = "redpanda:29092",
    "kafka_topic" = "test2",
    "kafka_partitions" = "0",
    "kafka_offsets" = "OFFSET_BEGINNING"
);"""

SEED_JOB_PROPERTIES = (
    '{"partitions":"*","partial_update":"false","columnToColumnExpr":"*","maxBatchIntervalS":"10",'
    '"partial_update_mode":"null","whereExpr":"*","dataFormat":"json","timezone":"Etc/UTC","format":"json",'
    '"log_rejected_record_num":"0","taskTimeoutSecond":"60","json_root":"","maxFilterRatio":"1.0",'
    '"strict_mode":"false","jsonpaths":"[\\"$.uid\\",\\"$.site\\",\\"$.vtime\\"]","taskConsumeSecond":"15",'
    '"desireTaskConcurrentNum":"5","maxErrorNum":"0","strip_outer_array":"false","currentTaskConcurrentNum":"1",'
    '"maxBatchRows":"200000"}')

SEED_PARAMS = ('{"aws.s3.access_key":"******","aws.s3.secret_key":"******","aws.s3.endpoint":"minio:9000",'
               '"aws.s3.region":"us-east-1","aws.s3.use_instance_profile":"false",'
               '"aws.s3.use_web_identity_token_file":"false","aws.s3.use_aws_sdk_default_behavior":"false"}')


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def mysql(sql, database=None):
    """The tutorial's client: the mysql CLI on 9030."""
    argv = ["mysql", "-P9030", "-h127.0.0.1", "-uroot", '--prompt=StarRocks > ']
    if database:
        argv += ["-D", database]
    out = subprocess.run(argv + ["-e", sql], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"mysql -e {sql!r} failed: {out.stderr}"
    return out.stdout


def vertical(output):
    """`\\G` output as a dict (first row)."""
    fields = {}
    for line in output.splitlines():
        m = re.match(r"^\s*([A-Za-z]+): ?(.*)$", line)
        if m and not line.startswith("*"):
            fields[m.group(1)] = m.group(2)
    return fields


def gen(count):
    out = subprocess.run([sys.executable, str(REPO_ROOT / "deploy" / "seed" / "gen.py"), str(count)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [json.loads(line[2:-1].strip()) for line in out.stdout.splitlines() if line.startswith("b'")]


def wait_job(loaded_rows, timeout=90):
    deadline = time.monotonic() + timeout
    job = {}
    while time.monotonic() < deadline:
        job = vertical(mysql("SHOW ROUTINE LOAD\\G", database="quickstart"))
        if job.get("Statistic") and json.loads(job["Statistic"])["loadedRows"] >= loaded_rows:
            return job
        time.sleep(0.5)
    raise AssertionError(f"the job did not load {loaded_rows} rows in {timeout}s: {job}")


def select_rows():
    out = mysql("SELECT * FROM site_clicks;", database="quickstart")
    lines = out.strip().splitlines()
    assert lines[0].split("\t") == ["uid", "site", "vtime"], out
    return sorted((int(u), s, int(v)) for u, s, v in (line.split("\t") for line in lines[1:]))


@pytest.fixture
def seed_world(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the seed topology needs /etc/hosts entries for minio and redpanda (run as root)")
    busy = [f"{name} {port}" for name, port in SEED_PORTS.items() if not port_free(port)]
    if busy:
        pytest.fail("the seed tutorial's ports are taken: " + ", ".join(busy))
    run_dir = tmp_path / "infra"
    infra = ["bash", str(REPO_ROOT / "scripts" / "infra"), "--run-dir", str(run_dir)]
    up = subprocess.run(infra + ["up", "--seed-ports"], capture_output=True, text=True, timeout=300)
    logs.register("seed kafka", run_dir / "kafka" / "kafka.log")
    logs.register("seed minio", run_dir / "minio" / "minio.log")
    assert up.returncode == 0, up.stdout + up.stderr
    cluster = _basalt.Basalt(tmp_path / "basalt")
    try:
        yield cluster
    finally:
        try:
            cluster.close()
        finally:
            subprocess.run(infra + ["down", "--purge"], capture_output=True, timeout=120)


def start_fe(cluster):
    # The seed's FE configuration: shared-data mode on S3, StarRocks' ports.
    return cluster.fe(query_port=9030, http_port=8030, rpc_port=9020, run_mode="shared_data",
                      cloud_native_storage_type="S3")


def test_seed_tutorial_verbatim(seed_world):
    cluster = seed_world
    fe = start_fe(cluster)
    # The compose file registers the CN before its process is up, then the CN's health check
    # waits for Alive: true.
    mysql('ALTER SYSTEM ADD COMPUTE NODE "127.0.0.1:9050";')
    cn = cluster.cn(heartbeat_service_port=9050, be_port=9060, be_http_port=8040, brpc_port=8060,
                    starlet_port=9070)
    deadline = time.monotonic() + 60
    while "Alive: true" not in mysql("SHOW COMPUTE NODES\\G"):
        assert time.monotonic() < deadline, "the CN never became alive"
        time.sleep(0.5)
    assert "Alive: true" in mysql("show frontends\\G")

    # Steps 2-7: storage volume, default volume, database.
    assert mysql("SHOW STORAGE VOLUMES;") == ""
    mysql(CREATE_VOLUME)
    assert mysql("SHOW STORAGE VOLUMES;").splitlines() == ["Storage Volume", "s3_volume"]
    desc = vertical(mysql("DESC STORAGE VOLUME s3_volume\\G"))
    assert desc["Name"] == "s3_volume" and desc["Type"] == "S3" and desc["IsDefault"] == "false"
    assert desc["Location"] == "s3://my-starrocks-bucket/"
    assert desc["Params"] == SEED_PARAMS
    assert desc["Enabled"] == "true" and desc["Comment"] == ""
    mysql("SET s3_volume AS DEFAULT STORAGE VOLUME;")
    assert vertical(mysql("DESC STORAGE VOLUME s3_volume\\G"))["IsDefault"] == "true"
    mysql("CREATE DATABASE IF NOT EXISTS quickstart;")
    created = mysql("SHOW CREATE DATABASE quickstart \\G")
    assert "Create Database: CREATE DATABASE `quickstart`\nPROPERTIES (\"storage_volume\" = \"s3_volume\")" in created

    # Steps 8-11: table, gen.py 5, routine load.
    mysql(CREATE_TABLE, database="quickstart")
    first = gen(5)
    mysql(CREATE_ROUTINE_LOAD, database="quickstart")
    job = wait_job(5)
    assert job["Name"] == "clicks" and job["State"] == "RUNNING" and job["DataSourceType"] == "KAFKA"
    assert job["PauseTime"] == "NULL" and job["EndTime"] == "NULL" and job["CurrentTaskNum"] == "1"
    assert job["JobProperties"] == SEED_JOB_PROPERTIES
    assert job["DataSourceProperties"] == '{"topic":"test2","currentKafkaPartitions":"0","brokerList":"redpanda:29092"}'
    assert re.fullmatch(r'\{"group\.id":"clicks_[0-9a-f-]{36}"\}', job["CustomProperties"])
    stats = json.loads(job["Statistic"])
    assert (stats["loadedRows"], stats["totalRows"], stats["errorRows"], stats["committedTaskNum"]) == (5, 5, 0, 1)
    assert job["Progress"] == '{"0":"4"}'
    assert job["LatestSourcePosition"] == '{"0":"5"}'
    assert re.fullmatch(r'\{"0":"\d{13}"\}', job["TimestampProgress"])
    expected = sorted((e["uid"], e["site"], e["vtime"]) for e in first)
    assert select_rows() == expected

    second = gen(5)
    job = wait_job(10)
    assert job["Progress"] == '{"0":"9"}' and job["LatestSourcePosition"] == '{"0":"10"}'
    expected = sorted(expected + [(e["uid"], e["site"], e["vtime"]) for e in second])
    assert select_rows() == expected

    # The data is in MinIO (the tutorial checks the bucket in the console).
    import boto3
    from botocore.config import Config
    s3 = boto3.client("s3", endpoint_url="http://minio:9000", aws_access_key_id="AAAAAAAAAAAAAAAAAAAA",
                      aws_secret_access_key="B" * 40, region_name="us-east-1",
                      config=Config(s3={"addressing_style": "path"}))
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="my-starrocks-bucket").get("Contents", [])]
    assert any(k.endswith(".seg") for k in keys), keys

    # kill -9 both processes: volume, database, table, job (RUNNING, same progress) and rows survive.
    cn.kill9()
    fe.kill9()
    fe.start()
    cn.start()
    deadline = time.monotonic() + 60
    while "Alive: true" not in mysql("SHOW COMPUTE NODES\\G"):
        assert time.monotonic() < deadline, "the CN never came back"
        time.sleep(0.5)
    assert mysql("SHOW STORAGE VOLUMES;").splitlines() == ["Storage Volume", "s3_volume"]
    assert vertical(mysql("DESC STORAGE VOLUME s3_volume\\G"))["IsDefault"] == "true"
    assert select_rows() == expected
    job = vertical(mysql("SHOW ROUTINE LOAD\\G", database="quickstart"))
    assert job["State"] == "RUNNING" and job["Progress"] == '{"0":"9"}'
    third = gen(5)
    wait_job(15)
    expected = sorted(expected + [(e["uid"], e["site"], e["vtime"]) for e in third])
    assert select_rows() == expected  # exactly once: 15 rows, each message once
