#!/usr/bin/env python3
"""Publishes N synthetic click events to Kafka, as the routine-load tutorial's gen.py does.

    python gen.py 5

Each message is one JSON object such as
    { "uid": 6926, "site": "https://docs.starrocks.io/", "vtime": 1718034793 }
sent to topic `test2` on redpanda:29092 (the tutorial's broker address), and printed as it is
sent. Needs kafka-python (`pip install kafka-python`).

Overrides: --bootstrap / BASALT_SEED_BOOTSTRAP (broker list), --topic / BASALT_SEED_TOPIC, and
--seed for a repeatable sequence.
"""

import argparse
import os
import random
import sys
import time

SITES = [
    "https://www.starrocks.io/",
    "https://www.starrocks.io/blog",
    "https://www.starrocks.io/product/community",
    "https://docs.starrocks.io/",
    "https://docs.starrocks.io/docs/quick_start/",
]


def event(rng: random.Random, now: int) -> bytes:
    uid = rng.randint(1, 10000)
    site = rng.choice(SITES)
    vtime = now - rng.randint(0, 1000)
    return ('{ "uid": %d, "site": "%s", "vtime": %d } ' % (uid, site, vtime)).encode()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("count", type=int, nargs="?", default=5, help="messages to send (default 5)")
    p.add_argument("--bootstrap", default=os.environ.get("BASALT_SEED_BOOTSTRAP", "redpanda:29092"))
    p.add_argument("--topic", default=os.environ.get("BASALT_SEED_TOPIC", "test2"))
    p.add_argument("--seed", type=int, default=None, help="random seed (default: time based)")
    a = p.parse_args()

    try:
        from kafka import KafkaProducer
    except ImportError:
        print("kafka-python is missing: pip install kafka-python", file=sys.stderr)
        return 1

    producer = KafkaProducer(bootstrap_servers=a.bootstrap.split(","))
    rng = random.Random(a.seed)
    now = int(time.time())
    for _ in range(a.count):
        msg = event(rng, now)
        producer.send(a.topic, msg)
        print(msg)
    producer.flush()
    producer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
