"""Helpers of the Routine Load tests (test_routine_load*.py): a fresh topic beside the quickstart
objects, producing rows with unique ids, reading a job's SHOW ROUTINE LOAD row, polling it (with a
deadline) until it loaded enough rows or reached a state, and comparing the table with what was
produced."""

from __future__ import annotations

import json
import time

from harness.quickstart import setup_quickstart

# The states of a job that is still loading (or about to): wait_loaded fails early on any other.
LOADING = ("RUNNING", "NEED_SCHEDULE")


def quickstart_topic(fe, kafka, minio, name, partitions=1):
    """A new topic `<name>_<ns>` with `partitions` partitions, and the quickstart objects (volume,
    database, site_clicks) under the MinIO prefix `rl-<name>-<ns>`; returns the topic."""
    topic = f"{name}_{time.time_ns()}"
    kafka.create_topic(topic, partitions)
    setup_quickstart(fe, minio, f"rl-{name}-{time.time_ns()}")
    return topic


def produce_ids(kafka, topic, start, count, partitions):
    """A JSON row {"uid": i, "site": "https://s/<i>", "vtime": i} for each id i in start ..
    start+count-1, sent to partition i % partitions."""
    producer = kafka.producer()
    for i in range(start, start + count):
        producer.send(topic, json.dumps({"uid": i, "site": f"https://s/{i}", "vtime": i}).encode(),
                      partition=i % partitions)
    producer.flush()
    producer.close()


def show_job(fe, name, database="quickstart"):
    """The job's row of SHOW ALL ROUTINE LOAD (asserted to be the only one) as a dict."""
    rows = fe.dicts(f"SHOW ALL ROUTINE LOAD FOR {name}", database=database)
    assert len(rows) == 1, rows
    return rows[0]


def stats(job):
    """The job's Statistic cell as a dict (loadedRows, errorRows, totalRows, ...)."""
    return json.loads(job["Statistic"])


def wait_job(fe, name, done, timeout=60, what="the expected state", database="quickstart"):
    """Polls the job's SHOW row until done(job) holds and returns that row; fails with the last row
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    job = show_job(fe, name, database)
    while not done(job):
        if time.monotonic() > deadline:
            raise AssertionError(f"job {name}: {what} not reached within {timeout}s: {job}")
        time.sleep(0.3)
        job = show_job(fe, name, database)
    return job


def wait_state(fe, name, state, timeout=60, database="quickstart"):
    """wait_job until the job's State is `state`."""
    return wait_job(fe, name, lambda job: job["State"] == state, timeout, f"State {state}", database)


def wait_loaded(fe, name, rows, timeout=60, states=LOADING, statistic="loadedRows", database="quickstart"):
    """Polls until the job's Statistic[statistic] (loadedRows unless named) reaches `rows` and returns
    the job's row; fails at once when the job leaves `states` first, or after `timeout` seconds."""
    job = wait_job(fe, name, lambda j: stats(j)[statistic] >= rows or j["State"] not in states, timeout,
                   f"{statistic} >= {rows}", database)
    if stats(job)[statistic] < rows:
        raise AssertionError(f"job {name} left {states} before {statistic} reached {rows}: {job}")
    return job


def table_rows(fe, sql="SELECT uid, site, vtime FROM site_clicks", database="quickstart"):
    """The result of `sql` as a list of tuples."""
    _, rows = fe.query(sql, database=database)
    return [tuple(r) for r in rows]


def check_exactly_once(fe, expected_ids):
    """(lost, duplicated, phantom) counts of site_clicks' uids against `expected_ids`."""
    _, rows = fe.query("SELECT uid FROM site_clicks", database="quickstart")
    seen = [int(r[0]) for r in rows]
    unique = set(seen)
    lost = len(expected_ids - unique)
    duplicated = len(seen) - len(unique)
    phantom = len(unique - expected_ids)
    return lost, duplicated, phantom


def assert_not_logged(processes, secret):
    """No stdout, stderr or log file of the given Basalt processes contains `secret`."""
    for process in processes:
        for path in [process.stdout_path, process.stderr_path, *process.log_dir.glob("*")]:
            if path.is_file():
                assert secret not in path.read_text(errors="replace"), f"{path} shows the password"
