"""Fixtures of the end-to-end tier (real processes, real Kafka, real MinIO).

  kafka       session-scoped KafkaService: a single-node KRaft broker on a free port, automatic
              topic creation off (tests create their topics with kafka.create_topic)
  minio       session-scoped MinioService: MinIO on a free port with the seed's access key
              (AAAA.../BBBB...) and bucket my-starrocks-bucket
  wait_until  the polling helper (harness.util.wait_until), for tests that prefer a fixture
  basalt      harness.basalt.Basalt: starts basalt-fe / basalt-cn processes (free ports, own
              directories under tmp_path) and stops them with SIGTERM at teardown, asserting exit 0
  basalt_fe   a started FrontendProcess (FE only)
  basalt_cluster
              harness.basalt.Cluster: an FE plus one CN added with ALTER SYSTEM ADD COMPUTE NODE
              and seen Alive; .fe, .cn, .cns, .add_cn()
The basalt fixtures are function-scoped: every test gets fresh processes and directories.

When a test fails, the report gets the tail of every log registered in harness.logs (Kafka,
MinIO, and whatever other fixtures register, e.g. basalt-fe / basalt-cn).
"""

from __future__ import annotations

import pytest

from harness import basalt as _basalt
from harness import infra as _infra
from harness import logs as _logs
from harness.util import wait_until as _wait_until


@pytest.fixture(scope="session")
def kafka():
    service = _infra.start_kafka()
    yield service
    _infra.stop(service)


@pytest.fixture(scope="session")
def minio():
    service = _infra.start_minio()
    yield service
    _infra.stop(service)


@pytest.fixture
def wait_until():
    return _wait_until


@pytest.fixture
def basalt(tmp_path):
    cluster = _basalt.Basalt(tmp_path)
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def basalt_fe(basalt):
    return basalt.fe()


@pytest.fixture
def basalt_cluster(basalt):
    cluster = _basalt.Cluster(basalt, basalt.fe())
    cluster.add_cn()
    return cluster


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        for name, path in _logs.registered().items():
            report.sections.append((f"tail of {name} log ({path})", _logs.tail(path)))


def pytest_configure(config):
    # kafka-python loads its protocol schemas through importlib.resources' legacy API.
    config.addinivalue_line(
        "filterwarnings", r"ignore:.*is deprecated\. Use files\(\) instead:DeprecationWarning")
