#!/usr/bin/env python3
"""Routine load benchmark: Basalt vs the raw limit vs chDB, then produce-to-visible latency.

One run, same topic, same events (bench/gen's ~280-byte JSON click events):
  1. raw limit   basalt-raw-consume: librdkafka consumes every partition, simdjson reads every
                 field, nothing is stored (one core).
  2. Basalt      basalt-standalone (Release) with a routine load job into a 12-column table;
                 rows/s from job creation until SHOW ROUTINE LOAD reports every row loaded, and
                 CPU seconds of basalt-fe + basalt-cn over that time (from /proc).
  3. chDB        the same events (dumped to NDJSON by a second, untimed raw run) inserted into
                 a MergeTree table with INSERT ... SELECT FROM file(..., JSONEachRow): chDB's
                 Kafka engine does not run embedded, so loading the same bytes from a file is
                 its best case.
  4. latency     a producer at a steady rate into a 1-partition topic, a job with
                 max_batch_interval = 1 (then Basalt's max_batch_interval_ms = 200), a poller on
                 SELECT count(*) every 50 ms: the time from producing message i to the first poll
                 that sees it, p50 / p99.
Ratios printed at the end: Basalt rows per CPU-second over the raw limit's and chDB's.

    bench/routine_load/run.sh [--events 2m] [--partitions 4] [--rate 500] [--seconds 20] [--smoke]

Kafka comes from scripts/infra (its own run directory and port); Basalt listens on free ports.
Everything is removed at the end.
"""
import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "e2e"))

TABLE = """CREATE TABLE events (
  event_id BIGINT NOT NULL, uid BIGINT, site STRING, vtime BIGINT, session STRING, country STRING,
  device STRING, browser STRING, referrer STRING, duration_ms INT, bytes BIGINT, status INT)
DUPLICATE KEY(event_id) DISTRIBUTED BY HASH(event_id) BUCKETS 4"""


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def count(text):
    text = text.lower()
    mult = {"k": 1000, "m": 1000000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * mult)


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def children_of(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


class Standalone:
    def __init__(self, bin_dir, data_dir):
        self.ports = {k: free_port() for k in ("query", "http", "rpc", "hb", "be", "be_http", "brpc")}
        self.proc = subprocess.Popen(
            [str(bin_dir / "basalt-standalone"), f"--data_dir={data_dir}", f"--query_port={self.ports['query']}",
             f"--http_port={self.ports['http']}", f"--rpc_port={self.ports['rpc']}",
             f"--heartbeat_service_port={self.ports['hb']}", f"--be_port={self.ports['be']}",
             f"--be_http_port={self.ports['be_http']}", f"--brpc_port={self.ports['brpc']}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 120
        for line in self.proc.stdout:
            if "Basalt is running" in line:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("basalt-standalone did not start")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.children = children_of(self.proc.pid)

    def cpu_seconds(self):
        return sum(proc_cpu_seconds(p) for p in self.children)

    def connect(self, database=None):
        import pymysql
        return pymysql.connect(host="127.0.0.1", port=self.ports["query"], user="root", database=database,
                               autocommit=True)

    def execute(self, sql, database=None):
        conn = self.connect(database)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        finally:
            conn.close()

    def job(self, name):
        conn = self.connect("bench")
        try:
            with conn.cursor(__import__("pymysql").cursors.DictCursor) as cur:
                cur.execute(f"SHOW ALL ROUTINE LOAD FOR {name}")
                return cur.fetchall()[0]
        finally:
            conn.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def run_raw(raw_bin, bootstrap, topic, dump=None):
    """One consume of the whole topic; with `dump` also writes the payloads (for chDB), which costs
    CPU the raw limit must not be charged with, so the timed run is the one without it."""
    args = [str(raw_bin), "--brokers", bootstrap, "--topic", topic]
    if dump is not None:
        args += ["--dump", str(dump)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    fields = dict(kv.split("=") for kv in out.stdout.split()[1:])
    return int(fields["rows"]), float(fields["wall_s"]), float(fields["cpu_s"])


def run_basalt(basalt, bootstrap, topic, events, on_loaded=lambda: None):
    basalt.execute("CREATE DATABASE bench")
    basalt.execute(TABLE, "bench")
    cpu0 = basalt.cpu_seconds()
    t0 = time.monotonic()
    basalt.execute(f"""CREATE ROUTINE LOAD bench.ingest ON events
        PROPERTIES ("format" = "json", "max_batch_interval" = "1", "max_batch_rows" = "500000")
        FROM KAFKA ("kafka_broker_list" = "{bootstrap}", "kafka_topic" = "{topic}",
                    "property.kafka_default_offsets" = "OFFSET_BEGINNING")""", "bench")
    while True:
        job = basalt.job("ingest")
        stats = json.loads(job["Statistic"])
        if stats["loadedRows"] >= events:
            break
        if job["State"] != "RUNNING" and job["State"] != "NEED_SCHEDULE":
            raise RuntimeError(f"job is {job['State']}: {job['ReasonOfStateChanged']}")
        time.sleep(0.2)
    wall = time.monotonic() - t0
    cpu = basalt.cpu_seconds() - cpu0
    on_loaded()
    rows = basalt.execute("SELECT count(*) FROM events", "bench")[0][0]
    if int(rows) != events:
        raise RuntimeError(f"table holds {rows} rows, {events} produced")
    return wall, cpu, stats


def run_chdb(dump, events):
    try:
        import chdb  # noqa: F401
        from chdb import session as chs
    except ImportError:
        return None
    tmp = tempfile.mkdtemp(prefix="basalt-bench-chdb-")
    try:
        sess = chs.Session(tmp)
        sess.query("CREATE DATABASE IF NOT EXISTS b")
        sess.query("""CREATE TABLE b.events (event_id Int64, uid Int64, site String, vtime Int64, session String,
            country String, device String, browser String, referrer String, duration_ms Int32, bytes Int64,
            status Int32) ENGINE = MergeTree ORDER BY event_id""")
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        sess.query(f"INSERT INTO b.events SELECT * FROM file('{dump}', JSONEachRow)")
        wall = time.monotonic() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        rows = int(str(sess.query("SELECT count() FROM b.events", "CSV")).strip())
        if rows != events:
            raise RuntimeError(f"chDB holds {rows} rows, {events} produced")
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        return wall, cpu
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_latency(basalt, kafka, rate, seconds, name, interval_property):
    topic = f"{name}_{time.time_ns()}"
    kafka.create_topic(topic, 1)
    basalt.execute(f"CREATE TABLE {name} (seq BIGINT NOT NULL, produced_ms BIGINT) DISTRIBUTED BY HASH(seq) BUCKETS 1",
                   "bench")
    basalt.execute(f"""CREATE ROUTINE LOAD bench.{name} ON {name}
        PROPERTIES ("format" = "json", {interval_property})
        FROM KAFKA ("kafka_broker_list" = "{kafka.bootstrap}", "kafka_topic" = "{topic}",
                    "property.kafka_default_offsets" = "OFFSET_BEGINNING")""", "bench")
    while basalt.job(name)["State"] != "RUNNING":
        time.sleep(0.1)
    total = int(rate * seconds)
    produced = [0.0] * total
    seen = [None] * total
    stop = threading.Event()

    def poll():
        conn = basalt.connect("bench")
        with conn.cursor() as cur:
            while not stop.is_set():
                cur.execute(f"SELECT count(*) FROM {name}")
                n = int(cur.fetchone()[0])
                now = time.time()
                for i in range(n):
                    if seen[i] is None:
                        seen[i] = now
                if n >= total:
                    return
                time.sleep(0.05)

    poller = threading.Thread(target=poll)
    poller.start()
    producer = kafka.producer(linger_ms=0)
    start = time.time()
    for i in range(total):
        target = start + i / rate
        delay = target - time.time()
        if delay > 0:
            time.sleep(delay)
        produced[i] = time.time()
        producer.send(topic, json.dumps({"seq": i, "produced_ms": int(produced[i] * 1000)}).encode())
        if i % 50 == 0:
            producer.flush()
    producer.flush()
    poller.join(timeout=seconds + 60)
    stop.set()
    latencies = sorted(s - p for s, p in zip(seen, produced) if s is not None)
    if len(latencies) != total:
        raise RuntimeError(f"only {len(latencies)} of {total} latency rows became visible")
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--events", default="2m")
    p.add_argument("--partitions", type=int, default=4)
    p.add_argument("--rate", type=float, default=500, help="latency phase: messages per second")
    p.add_argument("--seconds", type=float, default=20, help="latency phase: duration")
    p.add_argument("--smoke", action="store_true", help="20k events, 5 s of latency")
    p.add_argument("--bin-dir", default=str(ROOT / "build" / "release" / "programs"))
    p.add_argument("--raw", required=True)
    p.add_argument("--gen", required=True)
    p.add_argument("--basalt-only", action="store_true", help="skip chDB and the latency phase")
    p.add_argument("--raw-rounds", type=int, default=3, help="raw limit: consumes to take the median of")
    p.add_argument("--perf", metavar="FILE", help="record the Basalt phase with `perf record -g` into FILE")
    a = p.parse_args()
    events = 20000 if a.smoke else count(a.events)
    seconds = 5 if a.smoke else a.seconds

    from harness import infra
    work = Path(tempfile.mkdtemp(prefix="basalt-bench-rl-"))
    kafka = infra.start_kafka(partitions=a.partitions)
    basalt = None
    try:
        topic = f"events_{time.time_ns()}"
        log(f"producing {events} events to {topic} ({a.partitions} partitions)")
        subprocess.run([a.gen, "--brokers", kafka.bootstrap, "--topic", topic, "--count", str(events),
                        "--partitions", str(a.partitions), "--quiet"], check=True)
        log("raw limit: librdkafka + simdjson")
        # The raw limit's CPU per row swings by up to 1.5x between runs on a small machine (how
        # often librdkafka's threads wake up depends on what else runs), so it is the median of
        # a.raw_rounds consumes, with the spread printed.
        raw_runs = sorted((run_raw(a.raw, kafka.bootstrap, topic) for _ in range(a.raw_rounds)),
                          key=lambda r: r[0] / r[2])
        raw_rows, raw_wall, raw_cpu = raw_runs[len(raw_runs) // 2]
        if not a.basalt_only:
            run_raw(a.raw, kafka.bootstrap, topic, work / "events.ndjson")  # chDB's input, not timed
        log("Basalt routine load")
        basalt = Standalone(Path(a.bin_dir), work / "basalt")
        perf = None
        if a.perf:
            perf = subprocess.Popen(["perf", "record", "-g", "-o", a.perf, "-p",
                                     ",".join(str(p) for p in basalt.children)],
                                    stdout=subprocess.DEVNULL, stderr=open(a.perf + ".log", "w"))

        def stop_perf():
            if perf:
                perf.send_signal(signal.SIGINT)
                perf.wait(timeout=120)
                log(f"perf profile of the Basalt phase in {a.perf}")

        b_wall, b_cpu, stats = run_basalt(basalt, kafka.bootstrap, topic, events, stop_perf)
        chdb = None
        if not a.basalt_only:
            log("chDB from the same bytes in a file")
            chdb = run_chdb(work / "events.ndjson", events)
        if not a.basalt_only:
            log(f"latency: {a.rate:g} msg/s for {seconds:g} s, max_batch_interval 1 s")
            p50, p99 = run_latency(basalt, kafka, a.rate, seconds, "lat_1s", '"max_batch_interval" = "1"')
            log(f"latency: {a.rate:g} msg/s for {seconds:g} s, max_batch_interval_ms 200")
            q50, q99 = run_latency(basalt, kafka, a.rate, seconds, "lat_200ms", '"max_batch_interval_ms" = "200"')

        def per_core(rows, cpu):
            return rows / cpu if cpu > 0 else float("inf")

        print(f"events {events} ({a.partitions} partitions, {stats['receivedBytes'] / max(1, events):.0f} B avg)")
        print(f"raw limit    {raw_rows / raw_wall:12.0f} rows/s wall  {per_core(raw_rows, raw_cpu):12.0f} rows/CPU-s"
              f"  (median of {len(raw_runs)}: {per_core(*raw_runs[0][::2]):.0f} .. {per_core(*raw_runs[-1][::2]):.0f})")
        print(f"Basalt       {events / b_wall:12.0f} rows/s wall  {per_core(events, b_cpu):12.0f} rows/CPU-s"
              f"  (fe+cn CPU {b_cpu:.1f} s, {stats['committedTaskNum']} tasks)")
        if chdb:
            print(f"chDB file    {events / chdb[0]:12.0f} rows/s wall  {per_core(events, chdb[1]):12.0f} rows/CPU-s")
        elif not a.basalt_only:
            print("chDB file    (chdb not installed: pip install chdb into the venv)")
        print(f"ratio Basalt/raw per core  {per_core(events, b_cpu) / per_core(raw_rows, raw_cpu):.2f}x (goal >= 0.5x)")
        if chdb:
            print(f"ratio Basalt/chDB per core {per_core(events, b_cpu) / per_core(events, chdb[1]):.2f}x (goal >= 3x)")
        if not a.basalt_only:
            print(f"produce->visible at {a.rate:g} msg/s, max_batch_interval 1 s: p50 {p50 * 1000:.0f} ms, "
                  f"p99 {p99 * 1000:.0f} ms (goal p50 <= 500 ms, p99 <= 1500 ms)")
            print(f"produce->visible at {a.rate:g} msg/s, max_batch_interval_ms 200: p50 {q50 * 1000:.0f} ms, "
                  f"p99 {q99 * 1000:.0f} ms")
    finally:
        if basalt:
            basalt.stop()
        infra.stop(kafka)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
