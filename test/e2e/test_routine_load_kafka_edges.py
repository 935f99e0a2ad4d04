"""Routine Load against the edges of a real Kafka broker (shared/spec/starrocks_surface.md §3,
reliability.md §1 and §4): transactional topics read with read_committed (control records and
aborted data leave offsets behind that progress must move past), compacted topics (offset gaps are
not data loss), records deleted below the job's offset (OFFSET_OUT_OF_RANGE pauses, never skips),
a topic deleted under a running job, SASL_PLAINTEXT/PLAIN authentication, a password changed under
a running job and an SSL listener with a test CA. The librdkafka-level
checks of kafka_consumer_test.cc that need a real broker run here too, against the same broker.

Every test compares the table with what Kafka holds: lost, duplicated and phantom (e.g. aborted)
rows must all be 0."""
import json
import os
import subprocess
import time

import pytest
from kafka import TopicPartition

from harness import basalt as basalt_harness
from harness.quickstart import setup_quickstart
from harness.routine_load import (LOADING, assert_not_logged, check_exactly_once, produce_ids, quickstart_topic,
                                  show_job, stats, table_rows, wait_job, wait_loaded, wait_state)


def row(uid, site="s"):
    return json.dumps({"uid": uid, "site": f"{site}/{uid}", "vtime": uid}).encode()


def progress(job):
    """Progress as {partition: last consumed offset}; special values (OFFSET_*) as None."""
    out = {}
    for p, v in json.loads(job["Progress"]).items():
        out[int(p)] = int(v) if v.lstrip("-").isdigit() else None
    return out


def end_offsets(kafka, topic, partitions):
    """High watermarks (one past the last offset, control records included)."""
    consumer = kafka.consumer()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        return {tp.partition: off for tp, off in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()


def read_all(kafka, topic, partitions, isolation="read_uncommitted", timeout=20.0):
    """{partition: [(offset, uid), ...]} of everything a consumer with `isolation` sees."""
    consumer = kafka.consumer(isolation_level=isolation)
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        end = consumer.end_offsets(tps)
        got = {p: [] for p in range(partitions)}
        deadline = time.monotonic() + timeout
        # Done when every partition's position reached the end (past markers and aborted data).
        while any(consumer.position(tp) < end[tp] for tp in tps):
            assert time.monotonic() < deadline, f"could not read {topic} to its end within {timeout}s"
            for tp, messages in consumer.poll(200).items():
                got[tp.partition] += [(m.offset, json.loads(m.value)["uid"]) for m in messages]
        return got
    finally:
        consumer.close()


def job_sql(name, kafka_props, extra_props=""):
    return f"""CREATE ROUTINE LOAD quickstart.{name} ON site_clicks
        PROPERTIES ("format" = "json", "max_batch_interval" = "1"{extra_props})
        FROM KAFKA ({kafka_props})"""


def cn_ingest_test_binary():
    """The GoogleTest binary of src/cn/ingest, next to the programs of the build under test."""
    override = os.environ.get("BASALT_CN_INGEST_TEST")
    if override:
        return override
    return str(basalt_harness.bin_dir().parent / "src" / "cn" / "ingest" / "cn_ingest_test")


def test_kafka_consumer_unit_tests_on_the_real_broker(kafka):
    """kafka_consumer_test.cc's KafkaRealBrokerTest.* (control records and aborted data at the end of
    a transactional log; SASL login failures) are skipped without a broker: run them here against
    this tier's broker and fail, never skip, when they do not run."""
    binary = cn_ingest_test_binary()
    assert os.access(binary, os.X_OK), (
        f"{binary} is missing: build the unit tests of the same build as BASALT_BIN_DIR "
        f"(e.g. `cmake --build build/debug --target cn_ingest_test`) or set BASALT_CN_INGEST_TEST")
    env = dict(os.environ, BASALT_TEST_KAFKA_BROKERS=kafka.bootstrap)
    skippable = 0  # listeners an external Kafka may not have
    if kafka.sasl_bootstrap:
        env.update(BASALT_TEST_KAFKA_SASL_BROKERS=kafka.sasl_bootstrap,
                   BASALT_TEST_KAFKA_SASL_USERNAME=kafka.sasl_username,
                   BASALT_TEST_KAFKA_SASL_PASSWORD=kafka.sasl_password)
    else:
        skippable += 1
    if kafka.ssl_bootstrap:
        env.update(BASALT_TEST_KAFKA_SSL_BROKERS=kafka.ssl_bootstrap,
                   BASALT_TEST_KAFKA_SSL_CA_LOCATION=kafka.ssl_ca_location)
    else:
        skippable += 1
    result = subprocess.run([binary, "--gtest_filter=KafkaRealBrokerTest.*"],
                            env=env, capture_output=True, text=True, timeout=180)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "[  PASSED  ] 3 tests" in output or (skippable and "[  SKIPPED ]" in output), output
    if not skippable:
        assert "[  SKIPPED ]" not in output, output


def test_read_committed_transactions(basalt_cluster, kafka, minio):
    """Interleaved committed and aborted transactions on three partitions: exactly the committed
    messages load, and Progress reaches the end of every partition although the logs end with
    aborted data and abort markers; a batch that only passes control records and aborted data
    still commits its progress (spec §3.6 item 5)."""
    fe = basalt_cluster.fe
    partitions = 3
    topic = quickstart_topic(fe, kafka, minio, "txn", partitions)
    producer = kafka.producer(transactional_id=f"basalt-e2e-{topic}")
    producer.init_transactions()
    next_id = 0
    committed, aborted = set(), set()

    def transactions(plan):
        nonlocal next_id
        for kind, parts, count in plan:
            producer.begin_transaction()
            ids = []
            for i in range(count):
                producer.send(topic, row(next_id, kind), partition=parts[i % len(parts)])
                ids.append(next_id)
                next_id += 1
            if kind == "abort":
                producer.flush()  # the aborted records reach the log and take offsets there
                producer.abort_transaction()
                aborted.update(ids)
            else:
                producer.commit_transaction()
                committed.update(ids)

    def caught_up(job):
        return stats(job)["loadedRows"] >= len(committed) and progress(job) == {
            p: hwm - 1 for p, hwm in end_offsets(kafka, topic, partitions).items()}

    try:
        # Ends with an aborted transaction on every partition: the last offsets are aborted data
        # and abort markers.
        transactions([("commit", [0, 1, 2], 30), ("abort", [0, 1], 20), ("commit", [1, 2], 15),
                      ("abort", [0, 1, 2], 12), ("commit", [0], 7), ("abort", [2], 5),
                      ("commit", [0, 1, 2], 9), ("abort", [0, 1, 2], 6)])
        # The aborted data is really in the logs (a read_uncommitted consumer sees it).
        uncommitted = {uid for records in read_all(kafka, topic, partitions).values() for _, uid in records}
        assert uncommitted == committed | aborted
        fe.execute(job_sql("txn", f'"kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}", '
                                  '"property.kafka_default_offsets" = "OFFSET_BEGINNING"'))
        job = wait_job(fe, "txn", caught_up, 60, "all committed rows loaded and Progress at the end")
        assert job["State"] == "RUNNING", job
        assert check_exactly_once(fe, committed) == (0, 0, 0)

        # Only an aborted transaction arrives: nothing to load, but the offsets must move past it.
        before = stats(job)
        transactions([("abort", [0, 1, 2], 9)])
        job = wait_job(fe, "txn", caught_up, 60, "Progress past an aborted-only batch")
        after = stats(job)
        assert after["loadedRows"] == before["loadedRows"] == len(committed), after
        assert after["committedTaskNum"] > before["committedTaskNum"], (before, after)

        # And the job goes on with mixed transactions.
        transactions([("commit", [2, 1], 11), ("abort", [1], 4), ("commit", [0, 2], 8), ("abort", [0, 2], 3)])
        job = wait_job(fe, "txn", caught_up, 60, "the second round loaded")
    finally:
        producer.close()
    assert job["State"] == "RUNNING", job
    assert check_exactly_once(fe, committed) == (0, 0, 0)
    s = stats(job)
    assert (s["loadedRows"], s["errorRows"], s["totalRows"]) == (len(committed), 0, len(committed)), s


COMPACT_CONFIGS = {
    "cleanup.policy": "compact",
    # Every round of writes gets its own segment, which the cleaner may compact at once (the
    # broker of scripts/infra looks for cleanable logs every second: log.cleaner.backoff.ms).
    "segment.ms": "100",
    "min.cleanable.dirty.ratio": "0.01",
    "min.compaction.lag.ms": "0",
    "delete.retention.ms": "100",
}


def test_compacted_topic_with_offset_gaps(basalt_cluster, kafka, minio):
    """A compacted topic whose logs have gaps: the job loads exactly the surviving records, starts
    fine at an offset inside a gap, and moves its progress to the end without pausing."""
    fe = basalt_cluster.fe
    partitions = 2
    topic = f"compact_{time.time_ns()}"
    kafka.create_topic(topic, partitions, configs=COMPACT_CONFIGS)
    producer = kafka.producer()
    uid = 0
    for round_ in range(6):
        for p in range(partitions):
            # Unique keys survive compaction; the hot keys only in their latest version, which
            # leaves gaps between the survivors.
            for k in range(12):
                key = f"hot-{k % 4}" if k % 3 else f"unique-{uid}"
                producer.send(topic, row(uid, f"r{round_}"), key=key.encode(), partition=p)
                uid += 1
        producer.flush()
        time.sleep(0.25)  # older than segment.ms: the next write rolls a new segment
    producer.close()
    hwm = end_offsets(kafka, topic, partitions)

    def gaps(snapshot):
        return {p: sorted(set(range(hwm[p])) - {o for o, _ in records}) for p, records in snapshot.items()}

    # Wait (bounded) until every partition has gaps and the cleaner is done (two equal reads).
    deadline = time.monotonic() + 60
    previous = None
    while True:
        snapshot = read_all(kafka, topic, partitions)
        if all(gaps(snapshot).values()) and snapshot == previous:
            break
        assert time.monotonic() < deadline, f"the log cleaner did not compact {topic} within 60 s: {gaps(snapshot)}"
        previous = snapshot
        time.sleep(1.5)
    missing = gaps(snapshot)
    first_survivor = min(o for o, _ in snapshot[0])
    # Partition 0 starts at an offset inside a gap between survivors; partition 1 at the beginning.
    start0 = next((o for o in missing[0] if o > first_survivor), 0)
    expected = {u for o, u in snapshot[0] if o >= start0} | {u for _, u in snapshot[1]}
    assert len(expected) < uid  # compaction removed records

    setup_quickstart(fe, minio, f"rl-compact-{time.time_ns()}")
    fe.execute(job_sql("compact", f'"kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}", '
                                  f'"kafka_partitions" = "0,1", "kafka_offsets" = "{start0},OFFSET_BEGINNING"'))
    job = wait_job(fe, "compact",
                   lambda j: j["State"] not in LOADING or (stats(j)["loadedRows"] >= len(expected) and
                                                           progress(j) == {p: h - 1 for p, h in hwm.items()}),
                   60, "the surviving records loaded and Progress at the end")
    # A new job is NEED_SCHEDULE until its first task starts; either state means it did not pause.
    assert job["State"] in LOADING, job
    assert check_exactly_once(fe, expected) == (0, 0, 0)
    s = stats(job)
    assert (s["loadedRows"], s["errorRows"]) == (len(expected), 0), s
    assert job["ReasonOfStateChanged"] == "", job


def test_offset_out_of_range_after_delete_records(basalt_cluster, kafka, minio):
    """Records deleted from the log start while the job's next offset lies before the new log
    start: the job pauses naming the partition, its offset and the gap, never skips silently; after
    ALTER ROUTINE LOAD with new kafka_offsets, RESUME continues exactly once."""
    fe = basalt_cluster.fe
    partitions = 2
    topic = quickstart_topic(fe, kafka, minio, "oor", partitions)
    produce_ids(kafka, topic, 0, 100, partitions)
    fe.execute(job_sql("oor", f'"kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}", '
                              '"property.kafka_default_offsets" = "OFFSET_BEGINNING"'))
    wait_job(fe, "oor", lambda j: stats(j)["loadedRows"] >= 100, 60, "100 rows loaded")
    fe.execute("PAUSE ROUTINE LOAD FOR quickstart.oor")
    produce_ids(kafka, topic, 100, 100, partitions)
    # Partition 0 holds offsets 0..99 now; the job's next offset there is 50.
    admin = kafka.admin()
    try:
        admin.delete_records({TopicPartition(topic, 0): 70})
    finally:
        admin.close()
    consumer = kafka.consumer()
    try:
        assert consumer.beginning_offsets([TopicPartition(topic, 0)])[TopicPartition(topic, 0)] == 70
    finally:
        consumer.close()

    fe.execute("RESUME ROUTINE LOAD FOR quickstart.oor")
    job = wait_state(fe, "oor", "PAUSED", 60)
    reason = job["ReasonOfStateChanged"]
    assert reason.startswith("ErrorReason{errCode = 104, msg='"), reason
    for part in ("OFFSET_OUT_OF_RANGE", "partition 0 offset 50", f"'{topic}'", "below the log start offset 70",
                 "20 offsets in [50, 70)"):
        assert part in reason, (part, reason)
    assert stats(job)["loadedRows"] == 100  # nothing of the batch was loaded, nothing skipped
    assert progress(job) == {0: 49, 1: 49}

    fe.execute(f'ALTER ROUTINE LOAD FOR quickstart.oor FROM KAFKA ("kafka_partitions" = "0", "kafka_offsets" = "70")')
    fe.execute("RESUME ROUTINE LOAD FOR quickstart.oor")
    available = {u for records in read_all(kafka, topic, partitions).values() for _, u in records}
    expected = set(range(100)) | available
    assert len(expected) == 180
    job = wait_loaded(fe, "oor", 180, 60)
    assert job["State"] == "RUNNING", job
    assert job["ReasonOfStateChanged"] == "", job
    assert check_exactly_once(fe, expected) == (0, 0, 0)
    assert progress(job) == {0: 99, 1: 99}


def test_deleted_topic_pauses_the_running_job(basalt_cluster, kafka, minio):
    """The topic is deleted while the job is RUNNING: the job pauses with a reason naming the topic
    (it neither spins nor is cancelled), and FE and CN keep serving."""
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "gone", 2)
    produce_ids(kafka, topic, 0, 50, 2)
    fe.execute(job_sql("gone", f'"kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}", '
                               '"property.kafka_default_offsets" = "OFFSET_BEGINNING"'))
    wait_job(fe, "gone", lambda j: stats(j)["loadedRows"] >= 50, 60, "50 rows loaded")
    assert show_job(fe, "gone")["State"] == "RUNNING"
    admin = kafka.admin()
    try:
        admin.delete_topics([topic])
    finally:
        admin.close()
    job = wait_job(fe, "gone", lambda j: j["State"] != "RUNNING", 60, "a state change after the topic was deleted")
    assert job["State"] == "PAUSED", job
    reason = job["ReasonOfStateChanged"]
    assert reason.startswith("ErrorReason{errCode = 4, msg='Job failed to fetch all current partition"), reason
    assert topic in reason and kafka.bootstrap in reason, reason
    # Paused means quiet: no task runs or aborts any more.
    aborted = stats(job)["abortedTaskNum"]
    time.sleep(2.0)
    job = show_job(fe, "gone")
    assert job["State"] == "PAUSED" and stats(job)["abortedTaskNum"] == aborted, job
    assert job["CurrentTaskNum"] == "0", job
    # Both processes keep serving.
    assert check_exactly_once(fe, set(range(50))) == (0, 0, 0)
    assert [n["Alive"] for n in fe.compute_nodes()] == ["true"]


def test_sasl_plain_authentication(basalt_cluster, kafka, minio):
    """property.security.protocol = SASL_PLAINTEXT with PLAIN: the right credentials load exactly
    once; a wrong password pauses the job with an authentication failure naming the brokers,
    without the password anywhere (reason, SHOW output, logs); ALTER + RESUME then recovers."""
    if not kafka.sasl_bootstrap:
        pytest.skip("the external Kafka has no SASL listener (BASALT_E2E_KAFKA_SASL_BOOTSTRAP)")
    fe, cn = basalt_cluster.fe, basalt_cluster.cn
    topic = quickstart_topic(fe, kafka, minio, "sasl", 2)
    produce_ids(kafka, topic, 0, 200, 2)

    def sasl_job(name, password):
        fe.execute(job_sql(name, f'''"kafka_broker_list" = "{kafka.sasl_bootstrap}", "kafka_topic" = "{topic}",
            "property.kafka_default_offsets" = "OFFSET_BEGINNING",
            "property.security.protocol" = "SASL_PLAINTEXT", "property.sasl.mechanism" = "PLAIN",
            "property.sasl.username" = "{kafka.sasl_username}", "property.sasl.password" = "{password}"'''))

    sasl_job("sasl", kafka.sasl_password)
    job = wait_loaded(fe, "sasl", 200, 60)
    assert job["State"] == "RUNNING", job
    assert check_exactly_once(fe, set(range(200))) == (0, 0, 0)
    custom = json.loads(job["CustomProperties"])
    assert custom["sasl.password"] == "******" and custom["sasl.username"] == kafka.sasl_username, custom
    assert custom["security.protocol"] == "SASL_PLAINTEXT", custom
    assert kafka.sasl_password not in json.dumps(job), job
    fe.execute("STOP ROUTINE LOAD FOR quickstart.sasl")
    fe.execute("TRUNCATE TABLE site_clicks", database="quickstart")

    wrong = f"wrong-{time.time_ns()}"
    sasl_job("badpass", wrong)
    job = wait_state(fe, "badpass", "PAUSED", 60)
    reason = job["ReasonOfStateChanged"]
    assert reason.startswith("ErrorReason{errCode = 4, msg='"), reason
    assert f"authentication with Kafka brokers '{kafka.sasl_bootstrap}' failed" in reason, reason
    assert "Authentication failed" in reason, reason  # the broker's own words, via librdkafka
    assert wrong not in json.dumps(job), job
    assert json.loads(job["CustomProperties"])["sasl.password"] == "******"
    assert_not_logged((fe, cn), wrong)
    assert table_rows(fe) == []

    fe.execute(f'ALTER ROUTINE LOAD FOR quickstart.badpass FROM KAFKA ("property.sasl.password" = '
               f'"{kafka.sasl_password}")')
    fe.execute("RESUME ROUTINE LOAD FOR quickstart.badpass")
    job = wait_job(fe, "badpass", lambda j: j["State"] == "PAUSED" or stats(j)["loadedRows"] >= 200, 60,
                   "200 rows loaded after ALTER + RESUME")
    assert job["State"] == "RUNNING", job
    assert check_exactly_once(fe, set(range(200))) == (0, 0, 0)


def test_password_changed_while_running(basalt_cluster, kafka, minio):
    """SASL_PLAINTEXT/PLAIN: the job loads; then the user's password changes on the broker while the
    job is RUNNING (the broker restarts with it: PLAIN users are static, and SCRAM, which changes
    without a restart, needs librdkafka >= 2.6.1 against Kafka 4). The broker being down is
    retried; the refused login that follows pauses the job at once with a reason naming the
    failed authentication and the brokers (no retrying forever, no password anywhere); ALTER with
    the new password + RESUME loads the rest exactly once."""
    if not kafka.sasl_bootstrap or not kafka.rotating_username or kafka.infra is None:
        pytest.skip("needs the SASL listener of a broker the harness started (it is restarted)")
    fe, cn = basalt_cluster.fe, basalt_cluster.cn
    topic = quickstart_topic(fe, kafka, minio, "rotate", 2)
    user, old_password = kafka.rotating_username, kafka.rotating_password
    new_password = f"rotated-{time.time_ns()}"
    produce_ids(kafka, topic, 0, 100, 2)
    fe.execute(job_sql("rotate", f'''"kafka_broker_list" = "{kafka.sasl_bootstrap}", "kafka_topic" = "{topic}",
        "property.kafka_default_offsets" = "OFFSET_BEGINNING",
        "property.security.protocol" = "SASL_PLAINTEXT", "property.sasl.mechanism" = "PLAIN",
        "property.sasl.username" = "{user}", "property.sasl.password" = "{old_password}"'''))
    job = wait_loaded(fe, "rotate", 100, 60)
    assert job["State"] == "RUNNING", job
    assert check_exactly_once(fe, set(range(100))) == (0, 0, 0)

    kafka.set_plain_password(user, new_password)
    back = time.monotonic()
    produce_ids(kafka, topic, 100, 100, 2)
    job = wait_job(fe, "rotate", lambda j: j["State"] != "RUNNING", 90, "a state change after the password changed")
    paused_after = time.monotonic() - back
    print(f"job paused {paused_after:.1f}s after the broker came back with the new password")
    assert job["State"] == "PAUSED", job
    # The scheduler's probe meets the refusal first (errCode 4, as at CREATE / RESUME); a task
    # refused mid-batch is a task abort (104, StarRocks' code for a BE that aborts with PAUSE).
    # Either way the reason is the login, not the restart (the broker being down is retried).
    reason = job["ReasonOfStateChanged"]
    assert reason.startswith(("ErrorReason{errCode = 4, msg='", "ErrorReason{errCode = 104, msg='")), reason
    assert f"authentication with Kafka brokers '{kafka.sasl_bootstrap}' failed" in reason, reason
    assert "Authentication failed" in reason, reason  # the broker's own words, via librdkafka
    assert paused_after < 10, f"paused only {paused_after:.1f}s after the broker came back: {job}"
    shown = json.dumps(job)
    assert old_password not in shown and new_password not in shown, job
    assert json.loads(job["CustomProperties"])["sasl.password"] == "******", job
    # Nothing of the refused batches was loaded, and paused means quiet.
    assert check_exactly_once(fe, set(range(100))) == (0, 0, 0)
    aborted = stats(job)["abortedTaskNum"]
    time.sleep(2.0)
    job = show_job(fe, "rotate")
    assert job["State"] == "PAUSED" and stats(job)["abortedTaskNum"] == aborted, job
    assert_not_logged((fe, cn), old_password)

    fe.execute(f'ALTER ROUTINE LOAD FOR quickstart.rotate FROM KAFKA ("property.sasl.password" = "{new_password}")')
    fe.execute("RESUME ROUTINE LOAD FOR quickstart.rotate")
    job = wait_job(fe, "rotate", lambda j: j["State"] == "PAUSED" or stats(j)["loadedRows"] >= 200, 60,
                   "200 rows loaded after ALTER + RESUME")
    assert job["State"] == "RUNNING", job
    assert check_exactly_once(fe, set(range(200))) == (0, 0, 0)


def test_ssl_listener(basalt_cluster, kafka, minio):
    """property.security.protocol = SSL: with ssl.ca.location naming the CA that signed the broker's
    certificate the job loads exactly once; without it the job pauses naming the failed TLS
    handshake and the brokers."""
    if not kafka.ssl_bootstrap:
        pytest.skip("the external Kafka has no SSL listener (BASALT_E2E_KAFKA_SSL_BOOTSTRAP)")
    fe = basalt_cluster.fe
    topic = quickstart_topic(fe, kafka, minio, "ssl", 2)
    produce_ids(kafka, topic, 0, 100, 2)
    source = (f'"kafka_broker_list" = "{kafka.ssl_bootstrap}", "kafka_topic" = "{topic}", '
              '"property.kafka_default_offsets" = "OFFSET_BEGINNING", "property.security.protocol" = "SSL"')
    fe.execute(job_sql("untrusted", source))
    job = wait_state(fe, "untrusted", "PAUSED", 60)
    reason = job["ReasonOfStateChanged"]
    assert reason.startswith("ErrorReason{errCode = 4, msg='"), reason
    assert f"TLS handshake with Kafka brokers '{kafka.ssl_bootstrap}' failed" in reason, reason
    assert "certificate verify failed" in reason, reason
    fe.execute("STOP ROUTINE LOAD FOR quickstart.untrusted")

    fe.execute(job_sql("tls", source + f', "property.ssl.ca.location" = "{kafka.ssl_ca_location}"'))
    job = wait_job(fe, "tls", lambda j: j["State"] == "PAUSED" or stats(j)["loadedRows"] >= 100, 60,
                   "100 rows loaded over SSL")
    assert job["State"] == "RUNNING", job
    assert check_exactly_once(fe, set(range(100))) == (0, 0, 0)
