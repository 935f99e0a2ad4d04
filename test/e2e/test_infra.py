"""The real Kafka and MinIO of the end-to-end tier, and scripts/infra's good and bad paths."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.util import REPO_ROOT, free_port, processes_mentioning, wait_until

INFRA = REPO_ROOT / "scripts" / "infra"
INFRA_PY = REPO_ROOT / "scripts" / "lib" / "basalt_infra.py"
GEN_PY = REPO_ROOT / "deploy" / "seed" / "gen.py"


# ---------------------------------------------------------------------------------------------
# Kafka


def _event(i: int) -> bytes:
    site = ("https://www.starrocks.io/", "https://docs.starrocks.io/",
            "https://www.starrocks.io/blog")[i % 3]
    return json.dumps({"uid": i, "site": site, "vtime": 1718034793 + i // 7}).encode()


def test_kafka_100k_messages_round_trip(kafka):
    topic, partitions, total = "roundtrip", 4, 100_000
    kafka.create_topic(topic, partitions)

    producer = kafka.producer()
    futures = [producer.send(topic, key=b"%d" % i, value=_event(i)) for i in range(total)]
    producer.flush(timeout=120)
    sent = [f.get(timeout=0) for f in futures]
    producer.close()
    assert {md.partition for md in sent} == set(range(partitions)), "keys should spread"

    from kafka import TopicPartition
    consumer = kafka.consumer()
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning()
    end = consumer.end_offsets(tps)
    assert sum(end.values()) == total

    got = {}  # key -> (partition, offset, value)
    last_offset = {p: -1 for p in range(partitions)}

    def drained():
        for tp, records in consumer.poll(timeout_ms=500, max_records=20_000).items():
            for r in records:
                assert r.offset > last_offset[tp.partition], "offsets go forward within a partition"
                last_offset[tp.partition] = r.offset
                assert r.key not in got, f"duplicate key {r.key!r}"
                got[r.key] = (tp.partition, r.offset, r.value)
        return len(got) >= total

    wait_until(drained, 120, f"{total} messages to be consumed")
    assert consumer.poll(timeout_ms=200) == {}, "no message beyond the ones produced"
    consumer.close()

    assert len(got) == total
    for i, md in enumerate(sent):
        partition, offset, value = got[b"%d" % i]
        assert (partition, offset) == (md.partition, md.offset)
        assert value == _event(i)


def test_seed_gen_py_publishes_tutorial_messages(kafka):
    kafka.create_topic("test2", 1)
    proc = subprocess.run([sys.executable, str(GEN_PY), "5", "--bootstrap", kafka.bootstrap,
                           "--seed", "7"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout.splitlines()
    assert len(printed) == 5
    for line in printed:  # printed as the tutorial shows: b'{ "uid": ..., ... } '
        assert line.startswith("b'{ \"uid\": ") and line.endswith("} '"), line

    from kafka import TopicPartition
    consumer = kafka.consumer()
    tp = TopicPartition("test2", 0)
    consumer.assign([tp])
    consumer.seek_to_beginning()
    values = []

    def five():
        for records in consumer.poll(timeout_ms=500).values():
            values.extend(r.value for r in records)
        return len(values) >= 5

    wait_until(five, 30, "the 5 generated messages")
    consumer.close()
    assert [repr(v) for v in values] == printed
    for v in values:
        doc = json.loads(v)
        assert set(doc) == {"uid", "site", "vtime"}
        assert isinstance(doc["uid"], int) and isinstance(doc["vtime"], int)
        assert doc["site"].startswith("https://")


# ---------------------------------------------------------------------------------------------
# MinIO


def test_minio_object_operations(minio):
    s3 = minio.client()  # the seed's access key, created as a service account
    bucket = minio.bucket
    assert bucket in [b["Name"] for b in minio.client(root=True).list_buckets()["Buckets"]]

    # PUT and ranged GET
    body = bytes(range(256)) * 40
    s3.put_object(Bucket=bucket, Key="t/plain.bin", Body=body)
    part = s3.get_object(Bucket=bucket, Key="t/plain.bin", Range="bytes=1000-1099")
    assert part["ContentRange"] == f"bytes 1000-1099/{len(body)}"
    assert part["Body"].read() == body[1000:1100]
    assert s3.get_object(Bucket=bucket, Key="t/plain.bin", Range="bytes=-10")["Body"].read() \
        == body[-10:]

    # ListObjectsV2 with pagination
    keys = [f"t/list/{i:03d}" for i in range(25)]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    listed, token, pages = [], None, 0
    while True:
        kw = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=bucket, Prefix="t/list/", MaxKeys=7, **kw)
        pages += 1
        listed += [o["Key"] for o in page.get("Contents", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert listed == keys and pages == 4
    dirs = s3.list_objects_v2(Bucket=bucket, Prefix="t/", Delimiter="/")
    assert [p["Prefix"] for p in dirs["CommonPrefixes"]] == ["t/list/"]

    # Multipart upload (5 MiB minimum part size except the last)
    part1 = hashlib.sha256(b"a").digest() * (5 * 1024 * 1024 // 32)
    part2 = b"tail-of-the-object" * 1000
    mpu = s3.create_multipart_upload(Bucket=bucket, Key="t/multi.bin")
    etags = []
    for n, data in enumerate((part1, part2), start=1):
        r = s3.upload_part(Bucket=bucket, Key="t/multi.bin", UploadId=mpu["UploadId"],
                           PartNumber=n, Body=data)
        etags.append({"PartNumber": n, "ETag": r["ETag"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="t/multi.bin", UploadId=mpu["UploadId"],
                                        MultipartUpload={"Parts": etags})
    assert done["ETag"].strip('"').endswith("-2")
    head = s3.head_object(Bucket=bucket, Key="t/multi.bin")
    assert head["ContentLength"] == len(part1) + len(part2)
    edge = s3.get_object(Bucket=bucket, Key="t/multi.bin",
                         Range=f"bytes={len(part1) - 4}-{len(part1) + 3}")["Body"].read()
    assert edge == part1[-4:] + part2[:4]

    # DELETE (single and batch); a deleted key is gone
    s3.delete_object(Bucket=bucket, Key="t/plain.bin")
    with pytest.raises(s3.exceptions.ClientError) as err:
        s3.head_object(Bucket=bucket, Key="t/plain.bin")
    assert err.value.response["Error"]["Code"] in ("404", "NoSuchKey")
    gone = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in
                                                                keys + ["t/multi.bin"]]})
    assert len(gone["Deleted"]) == len(keys) + 1
    assert s3.list_objects_v2(Bucket=bucket, Prefix="t/")["KeyCount"] == 0


def test_minio_rejects_a_wrong_secret(minio):
    import boto3
    from botocore.config import Config
    bad = boto3.client("s3", endpoint_url=minio.endpoint, aws_access_key_id=minio.access_key,
                       aws_secret_access_key="not-the-secret-at-all", region_name=minio.region,
                       config=Config(retries={"max_attempts": 1}))
    with pytest.raises(bad.exceptions.ClientError) as err:
        bad.list_objects_v2(Bucket=minio.bucket)
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


# ---------------------------------------------------------------------------------------------
# scripts/infra: lifecycle and bad paths (each in its own run directory)


def _infra(run_dir: Path, *args: str, env=None, timeout: float = 180):
    return subprocess.run([str(INFRA), *args, "--run-dir", str(run_dir)], capture_output=True,
                          text=True, timeout=timeout, env=env)


def _assert_nothing_left(run_dir: Path) -> None:
    left = processes_mentioning(str(run_dir))
    assert not left, f"processes left running: {left}"


def test_infra_lifecycle_noop_up_crash_report_and_down(tmp_path):
    run_dir = tmp_path / "infra"
    ports = ["--minio-port", str(free_port()), "--minio-console-port", str(free_port())]
    try:
        up = _infra(run_dir, "up", "--only", "minio", "--json", *ports)
        assert up.returncode == 0, up.stderr
        pid = json.loads(up.stdout)["minio"]["pid"]
        assert (run_dir / "minio" / "minio.log").exists()

        again = _infra(run_dir, "up", "--only", "minio", "--json", *ports)
        assert again.returncode == 0, again.stderr
        assert "already running" in again.stderr
        assert json.loads(again.stdout)["minio"]["pid"] == pid

        assert _infra(run_dir, "status", "--only", "minio").returncode == 0

        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not processes_mentioning(str(run_dir)), 10, "minio to die")
        status = _infra(run_dir, "status", "--only", "minio")
        assert status.returncode == 1
        assert "CRASHED" in status.stderr and "minio.log" in status.stderr
        assert "API:" in status.stderr or "MinIO" in status.stderr, "the log tail is shown"
    finally:
        down = _infra(run_dir, "down")
    assert down.returncode == 0, down.stderr
    assert _infra(run_dir, "status").returncode == 3
    _assert_nothing_left(run_dir)


@pytest.mark.parametrize("component", ["kafka", "minio"])
def test_infra_port_in_use_is_a_clear_error(tmp_path, component):
    run_dir = tmp_path / "infra"
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        args = (["--kafka-port", str(busy)] if component == "kafka"
                else ["--minio-port", str(busy), "--minio-console-port", str(free_port())])
        proc = _infra(run_dir, "up", "--only", component, *args)
    assert proc.returncode != 0
    assert f"port {busy}" in proc.stderr and "already in use" in proc.stderr, proc.stderr
    _assert_nothing_left(run_dir)
    assert not (run_dir / component / "state.json").exists()


def test_infra_broker_that_never_gets_healthy_is_stopped(tmp_path):
    run_dir = tmp_path / "infra"
    t0 = time.monotonic()
    proc = _infra(run_dir, "up", "--only", "kafka", "--kafka-port", str(free_port()),
                  "--timeout", "1")
    assert proc.returncode == 1
    assert "kafka did not become healthy within 1s" in proc.stderr, proc.stderr
    assert "last lines of" in proc.stderr
    assert time.monotonic() - t0 < 60
    _assert_nothing_left(run_dir)


def test_infra_missing_java_and_go_are_named(tmp_path):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "BASALT_GOBIN")}
    env["PATH"] = str(empty_bin)

    no_java = subprocess.run([sys.executable, str(INFRA_PY), "up", "--only", "kafka",
                              "--run-dir", str(tmp_path / "k")],
                             capture_output=True, text=True, env=env, timeout=60)
    assert no_java.returncode == 1
    assert "Java not found" in no_java.stderr, no_java.stderr

    env["BASALT_CACHE"] = str(tmp_path / "empty-cache")  # MinIO not built there
    no_go = subprocess.run([sys.executable, str(INFRA_PY), "up", "--only", "minio",
                            "--run-dir", str(tmp_path / "m")],
                           capture_output=True, text=True, env=env, timeout=60)
    assert no_go.returncode == 1
    assert "Go not found" in no_go.stderr and "go install" in no_go.stderr, no_go.stderr
    _assert_nothing_left(tmp_path)


def test_seed_hosts_entries_are_idempotent_and_removable(tmp_path):
    import basalt_infra
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n")
    assert basalt_infra.hosts_add(hosts) is True
    assert basalt_infra.hosts_add(hosts) is False
    lines = hosts.read_text().splitlines()
    assert len(lines) == 2 and lines[1].split()[:3] == ["127.0.0.1", "minio", "redpanda"]
    assert basalt_infra.hosts_remove(hosts) is True
    assert hosts.read_text() == "127.0.0.1 localhost\n"
    assert basalt_infra.hosts_remove(hosts) is False


# ---------------------------------------------------------------------------------------------
# bench/gen: the C++ generator


def _read_topic(kafka, topic: str, partitions: int, total: int):
    from kafka import TopicPartition
    consumer = kafka.consumer()
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning()
    by_partition = {p: [] for p in range(partitions)}

    def done():
        for tp, records in consumer.poll(timeout_ms=500, max_records=20_000).items():
            by_partition[tp.partition].extend(r.value for r in records)
        return sum(map(len, by_partition.values())) >= total

    wait_until(done, 60, f"{total} events in {topic}")
    consumer.close()
    return by_partition


def test_bench_generator_is_deterministic(kafka):
    build = subprocess.run([str(REPO_ROOT / "bench" / "gen" / "build.sh")],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    gen = build.stdout.strip().splitlines()[-1]
    total, partitions = 20_000, 4
    for topic in ("gen_a", "gen_b"):
        run = subprocess.run([gen, "--brokers", kafka.bootstrap, "--topic", topic, "--count",
                              str(total), "--partitions", str(partitions), "--seed", "7",
                              "--quiet"], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert f"produced {total} json events" in run.stdout and "rows/s" in run.stdout
    a = _read_topic(kafka, "gen_a", partitions, total)
    b = _read_topic(kafka, "gen_b", partitions, total)
    assert a == b
    for p in range(partitions):
        assert len(a[p]) == total // partitions
        first = json.loads(a[p][0])
        assert first["event_id"] == p  # event i goes to partition i % K
        assert {"uid", "site", "vtime"} <= set(first)
    sizes = [len(v) for vs in a.values() for v in vs]
    assert 240 <= sum(sizes) / len(sizes) <= 320
