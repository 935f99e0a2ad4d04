"""S3ObjectStore against a real MinIO: the ObjectStore conformance suite and the bad paths.

The C++ side lives in src/common/io/object_store_test (object_store_conformance.cc,
s3_object_store_test.cc). Its S3 tests skip themselves unless BASALT_TEST_S3_* is set; here they
get a real MinIO and must all run (zero skipped) and pass.

The binary comes from $BASALT_BUILD_DIR (default build/debug); build it first:

    cmake --build build/debug --target object_store_test
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from harness.util import REPO_ROOT, free_port

TEST_BINARY = "object_store_test"
# The S3 conformance instantiation and the tests that talk to the real service.
S3_FILTER = "S3/ObjectStoreConformanceTest.*:S3RealServiceTest.*"


def _binary() -> Path:
    build_dir = Path(os.environ.get("BASALT_BUILD_DIR", REPO_ROOT / "build" / "debug"))
    path = build_dir / "src" / "common" / "io" / TEST_BINARY
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} not found; build it with "
                    f"`cmake --build {build_dir} --target {TEST_BINARY}`")
    return path


def _s3_env(minio, **overrides) -> dict:
    env = dict(os.environ)
    env.update({
        "BASALT_TEST_S3_ENDPOINT": minio.host_port,
        "BASALT_TEST_S3_ACCESS_KEY": minio.access_key,
        "BASALT_TEST_S3_SECRET_KEY": minio.secret_key,
        "BASALT_TEST_S3_BUCKET": minio.bucket,
        "BASALT_TEST_S3_REGION": minio.region,
    })
    env.update(overrides)
    return env


def _run_gtest(gtest_filter: str, env: dict, tmp_path: Path, timeout: float = 900):
    """Runs the binary; returns (completed process, list of per-test dicts from the JSON report)."""
    report = tmp_path / f"gtest-{time.monotonic_ns()}.json"
    proc = subprocess.run([str(_binary()), f"--gtest_filter={gtest_filter}",
                           f"--gtest_output=json:{report}"],
                          env=env, capture_output=True, text=True, timeout=timeout)
    tests = []
    if report.exists():
        for suite in json.loads(report.read_text())["testsuites"]:
            for case in suite["testsuite"]:
                tests.append({"name": f"{suite['name']}.{case['name']}",
                              "result": case.get("result"),
                              "failures": case.get("failures", [])})
    return proc, tests


def _describe(proc) -> str:
    return f"exit {proc.returncode}\n--- stdout (tail) ---\n{proc.stdout[-8000:]}\n" \
           f"--- stderr (tail) ---\n{proc.stderr[-4000:]}"


def test_conformance_suite_passes_against_minio(minio, tmp_path):
    proc, tests = _run_gtest(S3_FILTER, _s3_env(minio), tmp_path)
    assert proc.returncode == 0, _describe(proc)
    conformance = [t for t in tests if t["name"].startswith("S3/ObjectStoreConformanceTest.")]
    real = [t for t in tests if t["name"].startswith("S3RealServiceTest.")]
    assert len(conformance) >= 15, [t["name"] for t in tests]
    assert len(real) >= 4, [t["name"] for t in tests]
    skipped = [t["name"] for t in tests if t["result"] == "SKIPPED"]
    assert not skipped, f"S3 tests skipped although MinIO is configured: {skipped}"
    failed = [t["name"] for t in tests if t["failures"]]
    assert not failed, _describe(proc)
    assert f"[  PASSED  ] {len(tests)} tests." in proc.stdout, _describe(proc)


def test_wrong_secret_key_is_signature_does_not_match_without_leaking_it(minio, tmp_path):
    proc, tests = _run_gtest("S3RealServiceTest.WrongSecretKeyFailsWithSignatureDoesNotMatch",
                             _s3_env(minio), tmp_path, timeout=120)
    assert proc.returncode == 0, _describe(proc)
    assert [t["result"] for t in tests] == ["COMPLETED"], _describe(proc)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("wrong secret key error: ")]
    assert len(lines) == 1, _describe(proc)
    error = lines[0]
    assert "SignatureDoesNotMatch" in error
    assert minio.bucket in error
    # Neither the secret the test used nor the real one may show up anywhere.
    for output in (proc.stdout, proc.stderr):
        assert minio.secret_key not in output


def test_unreachable_endpoint_is_a_clear_error_within_the_deadline(minio, tmp_path):
    # Nothing listens on this port: the real-service tests must fail fast, not hang.
    dead = f"127.0.0.1:{free_port()}"
    start = time.monotonic()
    proc, tests = _run_gtest("S3RealServiceTest.BucketIsReachable",
                             _s3_env(minio, BASALT_TEST_S3_ENDPOINT=dead), tmp_path, timeout=120)
    elapsed = time.monotonic() - start
    assert proc.returncode != 0, _describe(proc)
    assert elapsed < 60, f"took {elapsed:.1f}s"
    assert f"s3://{minio.bucket}" in proc.stdout, _describe(proc)
    assert dead in proc.stdout, _describe(proc)
    assert "Couldn't connect" in proc.stdout or "Connection refused" in proc.stdout, \
        _describe(proc)
    assert minio.secret_key not in proc.stdout + proc.stderr

    # The same library against endpoints that refuse or never answer, with tight deadlines.
    proc, tests = _run_gtest("S3ObjectStoreTest.UnreachableEndpoint*:"
                             "S3ObjectStoreTest.SilentEndpoint*", dict(os.environ), tmp_path,
                             timeout=60)
    assert proc.returncode == 0, _describe(proc)
    assert sorted(t["result"] for t in tests) == ["COMPLETED", "COMPLETED"], _describe(proc)
    assert "silent endpoint error: " in proc.stdout
    assert "deadline" in proc.stdout
