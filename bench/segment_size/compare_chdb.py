#!/usr/bin/env python3
"""Loads the NDJSON written by basalt-segment-size into chDB MergeTree tables and prints Basalt vs
chDB bytes/row. Called by run.sh; see bench/README.md ("Basalt vs chDB MergeTree").

Size metric: system.parts.bytes_on_disk of the single active part after OPTIMIZE TABLE ... FINAL,
i.e. everything the part stores (column data, marks, primary index, checksums, metadata files).
That is the counterpart of Basalt's object size (pages + indexes + footer). data_compressed_bytes
(column data only) is printed alongside for reference.
"""
import argparse
import os
import re
import sys
import time

# Column types mirror the Basalt segment schema in segment_size.cc (BIGINT -> Int64, INT -> Int32,
# VARCHAR/STRING -> String). No LowCardinality / Delta codecs: the default a user gets from the DDL.
SHAPES = {
    "tutorial": [("uid", "Int64"), ("site", "String"), ("vtime", "Int64")],
    "event": [("event_id", "Int64"), ("uid", "Int64"), ("site", "String"), ("vtime", "Int64"),
              ("session", "String"), ("country", "String"), ("device", "String"), ("browser", "String"),
              ("referrer", "String"), ("duration_ms", "Int32"), ("bytes", "Int64"), ("status", "Int32")],
}
CODECS = {"lz4": "", "zstd": " CODEC(ZSTD(3))"}  # "" = server default (LZ4)
EVENT_GOAL = 35.0  # B/row, shared/spec/performance.md G7

LINE = re.compile(r"^(tutorial|event)\s+(lz4|zstd)\s+rows=(\d+)\s+segments=(\d+)\s+([\d.]+) B/row "
                  r"\(json ([\d.]+) B/row.*write ([\d.]+) MB/s json, ([\d.]+) MB/s raw, ([\d.]+) M rows/s")


def parse_basalt(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                out[(m[1], m[2])] = {"rows": int(m[3]), "bpr": float(m[5]), "json_bpr": float(m[6]),
                                     "mbps_json": float(m[7]), "mrows": float(m[9])}
    if not out:
        sys.exit("no result lines in the basalt-segment-size output")
    return out


def load_chdb(args, rows):
    from chdb import session  # imported here so --no-chdb works without the package
    import chdb

    os.makedirs(args.workdir, exist_ok=True)
    s = session.Session(os.path.join(args.workdir, "db"))
    version = s.query("SELECT version()", "CSV").data().strip().strip('"')
    s.query("CREATE DATABASE IF NOT EXISTS bench")
    keys = {"tutorial": "uid, site", "event": args.event_key}
    res = {}
    for shape, cols in SHAPES.items():
        path = f"{args.ndjson_prefix}.{shape}.ndjson"
        if not os.path.exists(path):
            continue
        structure = ", ".join(f"{n} {t}" for n, t in cols)
        for codec, clause in CODECS.items():
            table = f"bench.{shape}_{codec}"
            ddl = ", ".join(f"{n} {t}{clause}" for n, t in cols)
            s.query(f"DROP TABLE IF EXISTS {table}")
            s.query(f"CREATE TABLE {table} ({ddl}) ENGINE = MergeTree ORDER BY ({keys[shape]})")
            t0 = time.perf_counter()
            s.query(f"INSERT INTO {table} SELECT * FROM file('{path}', JSONEachRow, '{structure}')")
            t1 = time.perf_counter()
            s.query(f"OPTIMIZE TABLE {table} FINAL")
            t2 = time.perf_counter()
            q = (f"SELECT sum(rows), sum(bytes_on_disk), sum(data_compressed_bytes), "
                 f"sum(data_uncompressed_bytes), count(), any(part_type) FROM system.parts "
                 f"WHERE database = 'bench' AND table = '{shape}_{codec}' AND active")
            r = s.query(q, "TSV").data().strip().split("\t")
            n = int(r[0])
            if n != rows[shape]:
                sys.exit(f"chDB {table}: {n} rows loaded, expected {rows[shape]}")
            res[(shape, codec)] = {"bpr": int(r[1]) / n, "data_bpr": int(r[2]) / n, "parts": int(r[4]),
                                   "part_type": r[5], "insert_s": t1 - t0, "optimize_s": t2 - t1,
                                   "ndjson_mb": os.path.getsize(path) / 1e6}
            s.query(f"DROP TABLE {table}")
    s.close()
    return f"chDB {chdb.__version__} (ClickHouse {version})", keys, res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--basalt-output", required=True)
    ap.add_argument("--ndjson-prefix", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--event-key", default="vtime, event_id")
    ap.add_argument("--no-chdb", action="store_true")
    ap.add_argument("--chdb-note", default="")
    args = ap.parse_args()

    basalt = parse_basalt(args.basalt_output)
    rows = {shape: v["rows"] for (shape, _), v in basalt.items()}
    peer, keys, ch = "chDB not run", {}, {}
    if not args.no_chdb:
        try:
            peer, keys, ch = load_chdb(args, rows)
        except Exception as e:  # report and fall back to the Basalt-only table
            print(f"chDB failed, reporting Basalt only: {type(e).__name__}: {e}", file=sys.stderr)
            peer = f"chDB failed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    elif args.chdb_note:
        peer = f"chDB unavailable: {args.chdb_note}"

    n = max(rows.values())
    print()
    print(f"Bytes per row, {n} rows per shape. Basalt: segment object bytes / rows. " + (
        f"{peer}: system.parts.bytes_on_disk / rows after OPTIMIZE FINAL." if ch else
        f"No chDB column ({peer}); run with chDB available for the comparison."))
    if keys:
        print("chDB ORDER BY: " + "; ".join(f"{s} ({k})" for s, k in keys.items())
              + ". Basalt rows are in generation order (= vtime, event_id order).")
    print()
    hdr = f"{'shape':<9} {'codec':<7} {'json B/row':>10} {'Basalt B/row':>12} {'chDB B/row':>10} " \
          f"{'(data only)':>11} {'Basalt/chDB':>11}  goal"
    print(hdr)
    print("-" * len(hdr))
    for (shape, codec), b in sorted(basalt.items(), key=lambda kv: (kv[0][0] != "tutorial", kv[0][1])):
        c = ch.get((shape, codec))
        cname = "LZ4" if codec == "lz4" else "ZSTD(3)"
        goals = []
        if c:
            ratio = b["bpr"] / c["bpr"]
            goals.append("<=chDB ok" if ratio <= 1.0 else "<=chDB MISSED")
        if shape == "event":
            goals.append(f"<={EVENT_GOAL:.0f} ok" if b["bpr"] <= EVENT_GOAL else f"<={EVENT_GOAL:.0f} MISSED")
        print(f"{shape:<9} {cname:<7} {b['json_bpr']:>10.1f} {b['bpr']:>12.2f} "
              + (f"{c['bpr']:>10.2f} {c['data_bpr']:>11.2f} {ratio:>11.3f}" if c else
                 f"{'-':>10} {'-':>11} {'-':>11}")
              + "  " + ", ".join(goals))
    if ch:
        print()
        print("Side note, NOT apples-to-apples: Basalt times only SegmentWriter::Append+Finish on one thread "
              "over in-memory columns; chDB's INSERT includes reading + parsing the NDJSON file and runs with "
              "its default thread count (all cores); OPTIMIZE FINAL is a re-merge Basalt does not need.")
        hdr = f"{'shape':<9} {'codec':<7} {'Basalt MB/s/core':>16} {'Basalt Mrows/s':>14} " \
              f"{'chDB insert s':>13} {'chDB MB/s':>9} {'chDB Mrows/s':>12} {'optimize s':>10}  part"
        print(hdr)
        print("-" * len(hdr))
        for (shape, codec), b in sorted(basalt.items(), key=lambda kv: (kv[0][0] != "tutorial", kv[0][1])):
            c = ch.get((shape, codec))
            if not c:
                continue
            cname = "LZ4" if codec == "lz4" else "ZSTD(3)"
            print(f"{shape:<9} {cname:<7} {b['mbps_json']:>16.0f} {b['mrows']:>14.2f} {c['insert_s']:>13.2f} "
                  f"{c['ndjson_mb'] / c['insert_s']:>9.0f} {b['rows'] / 1e6 / c['insert_s']:>12.2f} "
                  f"{c['optimize_s']:>10.2f}  {c['parts']}x {c['part_type']}")
        print("MB/s = NDJSON-equivalent bytes per second (Basalt: per core of writer time; "
              f"chDB: wall time, {os.cpu_count()} cores available).")


if __name__ == "__main__":
    main()
