"""Shared fixtures for the real-client tests.

Target: BASALT_MYSQL_HOST (default 127.0.0.1) and BASALT_MYSQL_PORT (default 9030), user root
with an empty password (BASALT_MYSQL_USER / BASALT_MYSQL_PASSWORD override). The server is
started by the caller. With BASALT_ORACLE=1 the target is taken to be a MySQL/MariaDB server
used as a reference: assertions that only Basalt (StarRocks-compatible, version 8.0.33) can
satisfy are skipped, everything else runs unchanged.
"""

import os
import socket

import pytest


class Target:
    def __init__(self):
        self.host = os.environ.get("BASALT_MYSQL_HOST", "127.0.0.1")
        self.port = int(os.environ.get("BASALT_MYSQL_PORT", "9030"))
        self.user = os.environ.get("BASALT_MYSQL_USER", "root")
        self.password = os.environ.get("BASALT_MYSQL_PASSWORD", "")
        self.oracle = os.environ.get("BASALT_ORACLE", "") not in ("", "0")

    def require_basalt(self, what):
        """Skips the rest of a test when the target is a reference server, not Basalt."""
        if self.oracle:
            pytest.skip(f"Basalt-specific: {what}")

    def pymysql(self, **kwargs):
        import pymysql

        params = dict(host=self.host, port=self.port, user=self.user, password=self.password,
                      connect_timeout=10, read_timeout=60, write_timeout=60)
        params.update(kwargs)
        return pymysql.connect(**params)


@pytest.fixture(scope="session")
def target():
    t = Target()
    try:
        with socket.create_connection((t.host, t.port), timeout=5):
            pass
    except OSError as exc:
        pytest.fail(f"no MySQL-protocol server at {t.host}:{t.port}: {exc}")
    return t
