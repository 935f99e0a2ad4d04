"""The mariadb command-line client (Debian mariadb-client): batch `-e`, `\\G` output and the
`status` command, which sends its own probe queries (mysql_protocol.md §3.1)."""

import shutil
import subprocess

import pytest


def _cli():
    for name in ("mariadb", "mysql"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("mariadb/mysql CLI not installed (scripts/install_deps.sh test)")


def _run(target, *args, stdin=None):
    cmd = [_cli(), f"-h{target.host}", f"-P{target.port}", f"-u{target.user}",
           "--protocol=TCP", "--connect-timeout=10"]
    if target.password:
        cmd.append(f"-p{target.password}")
    proc = subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, f"{cmd + list(args)} failed: {proc.stderr}"
    return proc.stdout


def test_show_databases(target):
    out = _run(target, "-e", "show databases")
    lines = out.splitlines()
    assert lines[0] == "Database"
    assert "information_schema" in [line.lower() for line in lines[1:]]


def test_batch_query_values(target):
    out = _run(target, "-N", "-B", "-e", "select 1+1, 'a b', NULL")
    assert out.splitlines() == ["2\ta b\tNULL"]


def test_vertical_output(target):
    out = _run(target, "-e", "select 1 as one, 'x' as two\\G")
    assert "*************************** 1. row ***************************" in out
    assert "one: 1" in out
    assert "two: x" in out


def test_status_command(target):
    out = _run(target, "-e", "status")
    assert "Server version:" in out
    assert "Connection id:" in out
    assert "Server characterset:" in out


def test_use_database_and_multiple_statements(target):
    # The CLI splits on ';' itself; USE goes through SELECT DATABASE() + COM_INIT_DB.
    out = _run(target, "-N", "-B", "-A", stdin="use information_schema;\nselect database();\n")
    assert out.strip().lower() == "information_schema"


def test_error_exit_code_and_message(target):
    cmd = [_cli(), f"-h{target.host}", f"-P{target.port}", f"-u{target.user}",
           "--protocol=TCP", "-e", "selec 1"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "ERROR 1064" in proc.stderr


def test_server_version(target):
    target.require_basalt("server version 8.0.33")
    out = _run(target, "-N", "-B", "-e", "select version()")
    assert out.strip() == "8.0.33"
