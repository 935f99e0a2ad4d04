"""Runs the JDBC client test (test/clients/java, MySQL Connector/J and MariaDB Connector/J)
through Maven. The Maven repository lives under $BASALT_CACHE/m2: the first run downloads the
drivers from Maven Central, later runs are offline (`mvn -o`)."""

import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.join(HERE, "java")


def _cache_dir():
    cache = os.environ.get("BASALT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "basalt")
    return cache


def _mvn(target, offline):
    cache = _cache_dir()
    cmd = ["mvn", "-q", "-B", f"-Dmaven.repo.local={os.path.join(cache, 'm2')}",
           f"-Dbasalt.build.dir={os.path.join(cache, 'java-client-test', 'target')}",
           f"-Dbasalt.host={target.host}", f"-Dbasalt.port={target.port}",
           f"-Dbasalt.user={target.user}",
           f"-Dbasalt.expectVersion={'' if target.oracle else '8.0.33'}",
           "compile", "exec:java"]
    if offline:
        cmd.insert(1, "-o")
    return subprocess.run(cmd, cwd=PROJECT, capture_output=True, text=True, timeout=600)


def test_jdbc_drivers(target):
    if not shutil.which("mvn") or not shutil.which("java"):
        pytest.skip("Java 17 and Maven are needed (apt: openjdk-17-jdk-headless maven)")
    proc = _mvn(target, offline=True)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 and "offline" in out.lower():
        proc = _mvn(target, offline=False)  # first run: fill the local repository
        out = proc.stdout + proc.stderr
    print(out)
    assert proc.returncode == 0, out
    assert " 0 failed" in out
