"""Unit tests of the sqllogictest runner: parser, rendering, comparison, and the record
checks driven through a fake connection (no server needed)."""

import io
import os
import textwrap

import pytest

import slt


def parse(text):
    return slt.parse(textwrap.dedent(text), "t.test")


# ------------------------------------------------------------------------------ parser


def test_statement_ok_and_comments():
    records = parse("""\
        # leading comment
        statement ok
        CREATE DATABASE d1

        # between records
        statement ok
        SELECT 1
        FROM dual
        """)
    assert records == [
        slt.Statement(line=2, sql="CREATE DATABASE d1"),
        slt.Statement(line=6, sql="SELECT 1\nFROM dual"),
    ]


def test_statement_error_with_errno_and_message():
    (rec,) = parse("""\
        statement error 1007
        CREATE DATABASE d1
        ----
        database exists
        """)
    assert rec == slt.Statement(line=1, sql="CREATE DATABASE d1", expect_ok=False, errno=1007,
                                message="database exists")


def test_statement_error_without_errno():
    (rec,) = parse("statement error\nSELEC 1\n")
    assert not rec.expect_ok and rec.errno is None and rec.message is None


@pytest.mark.parametrize("text, fragment", [
    ("statement\nSELECT 1\n", "expected 'statement ok'"),
    ("statement ok\n", "statement without SQL"),
    ("statement ok extra\nSELECT 1\n", "takes no arguments"),
    ("statement ok\nSELECT 1\n----\nx\n", "cannot have a '----'"),
    ("statement error abc\nSELECT 1\n", "errno must be a number"),
    ("statement error 1 2\nSELECT 1\n", "at most one errno"),
    ("query\nSELECT 1\n----\n1\n", "needs column types"),
    ("query IX\nSELECT 1\n----\n1\n", "unknown column type"),
    ("query I\nSELECT 1\n", "without '----'"),
    ("query I header\nSELECT 1\n----\n", "no column-name line"),
    ("frobnicate\nSELECT 1\n", "unknown record type 'frobnicate'"),
    ("fresh_database now\n", "takes no arguments"),
])
def test_parse_errors_name_the_line(text, fragment):
    with pytest.raises(slt.ParseError) as info:
        slt.parse("\n" + text, "bad.test")
    assert info.value.line == 2
    assert "bad.test:2:" in str(info.value)
    assert fragment in str(info.value)


def test_query_sort_modes_label_and_rows():
    records = parse("""\
        query IT
        SELECT 1, 'a'
        ----
        1\ta

        query I rowsort
        SELECT 1
        ----
        1

        query II valuesort mylabel
        SELECT 2, 1
        ----
        1
        2
        """)
    assert [r.sort_mode for r in records] == ["nosort", "rowsort", "valuesort"]
    assert records[0].types == "IT" and records[0].expected == ["1\ta"]
    assert records[2].expected == ["1", "2"]


def test_query_with_empty_result_and_header():
    (rec,) = parse("""\
        query TT header
        SHOW VARIABLES LIKE 'nothing'
        ----
        Variable_name\tValue
        """)
    assert rec.header == ["Variable_name", "Value"]
    assert rec.expected == []


def test_query_expected_may_contain_hash_lines():
    (rec,) = parse("query T\nSELECT '#x'\n----\n#x\n")
    assert rec.expected == ["#x"]


def test_halt_stops_parsing_and_fresh_database():
    records = parse("""\
        fresh_database

        statement ok
        SELECT 1

        halt

        this is not parsed at all
        """)
    assert isinstance(records[0], slt.FreshDatabase)
    assert isinstance(records[-1], slt.Halt)
    assert len(records) == 3


def test_crlf_line_endings():
    records = slt.parse("statement ok\r\nSELECT 1\r\n\r\nquery I\r\nSELECT 1\r\n----\r\n1\r\n")
    assert records[0].sql == "SELECT 1"
    assert records[1].expected == ["1"]


# ------------------------------------------------------------------------- pure helpers


def test_render_value():
    assert slt.render_value(None) == "NULL"
    assert slt.render_value("") == "(empty)"
    assert slt.render_value("a\tb\nc") == "a\\tb\\nc"
    assert slt.render_value(b"\xff") == "\\xff"
    assert slt.render_value("8.0.33") == "8.0.33"


def test_expected_rows_value_per_line_layout():
    assert slt.expected_rows(["1\ta", "2\tb"], 2) == [["1", "a"], ["2", "b"]]
    assert slt.expected_rows(["1", "a", "2", "b"], 2) == [["1", "a"], ["2", "b"]]
    assert slt.expected_rows(["1", "2"], 1) == [["1"], ["2"]]


def test_sort_rows():
    rows = [["2", "a"], ["1", "b"]]
    assert slt.sort_rows(rows, "nosort") == rows
    assert slt.sort_rows(rows, "rowsort") == [["1", "b"], ["2", "a"]]
    assert slt.sort_rows(rows, "valuesort") == [["1", "2"], ["a", "b"]]


def test_check_types():
    longlong, var_string, newdecimal, double, datetime, null = 8, 253, 246, 5, 12, 6
    assert slt.check_types("I", [("x", longlong, 0)], [["1"]]) is None
    assert slt.check_types("I", [("x", newdecimal, 0)], [["1"]]) is None  # LARGEINT
    assert "type letter I" in slt.check_types("I", [("x", var_string, 0)], [["1"]])
    assert "type letter R" in slt.check_types("R", [("x", longlong, 0)], [["1"]])
    assert slt.check_types("R", [("x", newdecimal, 4)], [["0.5000"]]) is None
    assert slt.check_types("R", [("x", double, 31)], [["0.5"]]) is None
    assert slt.check_types("T", [("x", datetime, 0)], [["2024-01-01 00:00:00"]]) is None
    assert "type letter T" in slt.check_types("T", [("x", longlong, 0)], [["1"]])
    assert "binary collation" in slt.check_types("T", [("x", var_string, 0)], [[b"a"]])
    assert slt.check_types("I", [("x", null, 0)], [[None]]) is None
    assert "expected 2 column(s)" in slt.check_types("II", [("x", longlong, 0)], [])


def test_compare_rows_real_tolerance_only_for_r():
    assert slt.compare_rows("R", [["0.5"]], [["0.5000"]])
    assert not slt.compare_rows("T", [["0.5"]], [["0.5000"]])
    assert not slt.compare_rows("I", [["1"]], [["1"], ["2"]])


def test_database_name_for_is_deterministic_and_safe():
    assert slt.database_name_for(os.path.join("x", "ddl", "data-base.test")) == \
        "slt_ddl_data_base"


def test_collect_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.test").write_text("")
    (tmp_path / "a.test").write_text("")
    (tmp_path / "slow.test_slow").write_text("")
    (tmp_path / "notes.txt").write_text("")
    names = [os.path.relpath(p, tmp_path) for p in slt.collect_files([str(tmp_path)])]
    assert names == ["a.test", os.path.join("b", "z.test")]
    assert len(slt.collect_files([str(tmp_path)], include_slow=True)) == 3


# -------------------------------------------------------------- runner with a fake driver


class FakeError(Exception):
    pass


class FakeCursor:
    def __init__(self, responses, log):
        self.responses = responses
        self.log = log
        self.description = None
        self._rows = []

    def execute(self, sql):
        self.log.append(sql)
        response = self.responses.get(sql, "ok")
        if isinstance(response, Exception):
            raise response
        if response == "ok":
            self.description = None
            return
        columns, rows = response
        self.description = [(name, code, None, None, None, dec, True) for name, code, dec in columns]
        self._rows = rows

    def fetchall(self):
        return self._rows

    def close(self):
        pass


class FakeConnection:
    def __init__(self, responses):
        self.responses = responses
        self.log = []

    def cursor(self):
        return FakeCursor(self.responses, self.log)

    def close(self):
        pass


def run_fake(text, responses, path="dir/f.test"):
    conn = FakeConnection(responses)
    out = io.StringIO()
    runner = slt.FileRunner(path, slt.Options(), out=out, connect=lambda: conn)
    result = runner.run(slt.parse(textwrap.dedent(text), path))
    return result, out.getvalue(), conn.log


def test_runner_counts_records_and_reports_failures():
    responses = {
        "SELECT 1": ([("1", 8, 0)], [["1"]]),
        "SELECT 2": ([("2", 8, 0)], [["2"]]),
        "BAD": FakeError(1064, "You have an error in your SQL syntax"),
    }
    result, out, _ = run_fake("""\
        query I
        SELECT 1
        ----
        1

        query I
        SELECT 2
        ----
        3

        statement error 1064
        BAD
        ----
        SQL syntax

        statement error 1146
        BAD

        statement ok
        BAD

        statement error
        SELECT 1
        """, responses)
    assert (result.passed, result.failed) == (2, 4)
    assert "FAIL dir/f.test:6" in out
    assert "expected errno 1146, got 1064" in out
    assert "FAIL dir/f.test:19" in out and "error 1064" in out
    assert "FAIL dir/f.test:22" in out


def test_runner_checks_header_and_types():
    responses = {"SHOW DATABASES": ([("Database", 253, 0)], [["d1"], ["information_schema"]])}
    result, out, _ = run_fake("""\
        query T rowsort header
        SHOW DATABASES
        ----
        Database
        information_schema
        d1

        query T header
        SHOW DATABASES
        ----
        Schema
        d1
        information_schema

        query I
        SHOW DATABASES
        ----
        d1
        information_schema
        """, responses)
    assert (result.passed, result.failed) == (1, 2)
    assert "column names differ" in out
    assert "type letter I but server sent VAR_STRING" in out


def test_runner_fresh_database_substitutes_and_drops():
    responses = {"SELECT DATABASE()": ([("DATABASE()", 253, 0)], [["slt_dir_f"]])}
    result, out, log = run_fake("""\
        fresh_database

        query T
        SELECT DATABASE()
        ----
        ${DATABASE}

        halt

        statement ok
        NEVER RUN
        """, responses)
    assert (result.passed, result.failed) == (2, 0), out
    assert log[:3] == ["DROP DATABASE IF EXISTS `slt_dir_f`", "CREATE DATABASE `slt_dir_f`",
                       "USE `slt_dir_f`"]
    assert log[-1] == "DROP DATABASE IF EXISTS `slt_dir_f`"
    assert "NEVER RUN" not in log


def test_runner_connect_failure_is_one_failure():
    def refuse():
        raise ConnectionRefusedError("refused")

    runner = slt.FileRunner("f.test", slt.Options(), out=io.StringIO(), connect=refuse)
    result = runner.run(slt.parse("statement ok\nSELECT 1\n"))
    assert (result.passed, result.failed) == (0, 1)


def test_main_summary_line_for_missing_path(capsys):
    assert slt.main(["--port", "1", "/nonexistent/path.test"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "0 passed, 1 failed"


def test_main_reports_parse_error_as_failure(tmp_path, capsys):
    bad = tmp_path / "bad.test"
    bad.write_text("query I\nSELECT 1\n")
    assert slt.main(["--port", "1", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.test:1: query without '----' line" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed"
