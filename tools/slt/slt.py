#!/usr/bin/env python3
"""sqllogictest runner for Basalt over the MySQL protocol.

Runs DuckDB-style ``.test`` files against any server that speaks the MySQL wire protocol
(Basalt's FE on port 9030, or a MySQL/MariaDB server used as an oracle). The file format is
described in ``tools/README.md``; the short version:

    # a comment
    statement ok
    CREATE DATABASE d1

    statement error 1007
    CREATE DATABASE d1
    ----
    database exists

    query IT rowsort
    SELECT 1, 'a'
    ----
    1	a

Values are compared in their text-protocol form, exactly as the server put them on the wire
(the runner disables PyMySQL's type conversions), NULL is written ``NULL`` and the empty
string ``(empty)``. The column-type letters are checked against the column definitions the
server sent: ``I`` integer, ``R`` floating point or decimal, ``T`` text or temporal.

Counting: every record (statement or query) is one test; the summary line is
``N passed, M failed``.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import re
import sys
import time
from typing import Iterable, Optional, Sequence

# MySQL column type codes (protocol ColumnDefinition41 `type`).
_INTEGER_TYPES = {1, 2, 3, 8, 9, 13}  # TINY SHORT LONG LONGLONG INT24 YEAR
_REAL_TYPES = {4, 5, 0, 246}  # FLOAT DOUBLE DECIMAL NEWDECIMAL
_DECIMAL_TYPES = {0, 246}
_NULL_TYPE = 6
_TEXT_TYPES = {15, 245, 247, 248, 249, 250, 251, 252, 253, 254}  # VARCHAR JSON ENUM SET BLOBs STRINGs
_TEMPORAL_TYPES = {7, 10, 11, 12, 14}  # TIMESTAMP DATE TIME DATETIME NEWDATE
_TYPE_NAMES = {
    0: "DECIMAL", 1: "TINY", 2: "SHORT", 3: "LONG", 4: "FLOAT", 5: "DOUBLE", 6: "NULL",
    7: "TIMESTAMP", 8: "LONGLONG", 9: "INT24", 10: "DATE", 11: "TIME", 12: "DATETIME",
    13: "YEAR", 14: "NEWDATE", 15: "VARCHAR", 16: "BIT", 245: "JSON", 246: "NEWDECIMAL",
    247: "ENUM", 248: "SET", 249: "TINY_BLOB", 250: "MEDIUM_BLOB", 251: "LONG_BLOB",
    252: "BLOB", 253: "VAR_STRING", 254: "STRING",
}

SORT_MODES = ("nosort", "rowsort", "valuesort")
TYPE_LETTERS = "ITR"
FRESH_DATABASE_DIRECTIVE = "fresh_database"
DATABASE_VARIABLE = "${DATABASE}"


class ParseError(Exception):
    """A malformed test file; carries the file name and 1-based line number."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


@dataclasses.dataclass
class Statement:
    """`statement ok` or `statement error [errno]` (+ optional message substring)."""

    line: int
    sql: str
    expect_ok: bool = True
    errno: Optional[int] = None
    message: Optional[str] = None


@dataclasses.dataclass
class Query:
    """`query <types> [sortmode] [header]` followed by `----` and the expected rows."""

    line: int
    sql: str
    types: str
    sort_mode: str = "nosort"
    header: Optional[list[str]] = None  # expected column names when `header` was given
    expected: list[str] = dataclasses.field(default_factory=list)  # raw lines after `----`


@dataclasses.dataclass
class FreshDatabase:
    """`fresh_database`: the runner creates a database for this file, USEs it, drops it."""

    line: int


@dataclasses.dataclass
class Halt:
    """`halt`: ignore the rest of the file."""

    line: int


Record = Statement | Query | FreshDatabase | Halt


# ------------------------------------------------------------------------------------------
# Parsing


def _split_blocks(lines: Sequence[str]) -> Iterable[tuple[int, list[str]]]:
    """Yields (first line number, lines) for each run of non-blank, non-comment lines.

    Comment lines (`#` in column 0) are dropped only *between* records; inside a block they
    belong to the record (a `#` line inside SQL text is rare and would be SQL anyway).
    """
    block: list[str] = []
    start = 0
    for idx, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if block:
                yield start, block
                block = []
            continue
        if not block and line.lstrip().startswith("#"):
            continue
        if not block:
            start = idx
        block.append(line)
    if block:
        yield start, block


def _split_at_separator(block: list[str]) -> tuple[list[str], Optional[list[str]]]:
    for idx, line in enumerate(block):
        if line.strip() == "----":
            return block[:idx], block[idx + 1:]
    return block, None


def parse(text: str, path: str = "<string>") -> list[Record]:
    """Parses the text of a .test file into records. Raises ParseError on malformed input."""
    records: list[Record] = []
    for start, block in _split_blocks(text.splitlines()):
        header = block[0].split()
        keyword = header[0]
        head, tail = _split_at_separator(block[1:])
        sql = "\n".join(head).strip()

        if keyword == "halt":
            records.append(Halt(start))
            break
        if keyword == FRESH_DATABASE_DIRECTIVE:
            if len(header) != 1 or len(block) != 1:
                raise ParseError(path, start, f"'{FRESH_DATABASE_DIRECTIVE}' takes no arguments")
            records.append(FreshDatabase(start))
            continue
        if keyword == "statement":
            records.append(_parse_statement(path, start, header, sql, tail))
            continue
        if keyword == "query":
            records.append(_parse_query(path, start, header, sql, tail))
            continue
        raise ParseError(path, start, f"unknown record type '{keyword}'")
    return records


def _parse_statement(path, start, header, sql, tail) -> Statement:
    if len(header) < 2 or header[1] not in ("ok", "error"):
        raise ParseError(path, start, "expected 'statement ok' or 'statement error [errno]'")
    if not sql:
        raise ParseError(path, start, "statement without SQL")
    if header[1] == "ok":
        if len(header) != 2:
            raise ParseError(path, start, "'statement ok' takes no arguments")
        if tail is not None:
            raise ParseError(path, start, "'statement ok' cannot have a '----' section")
        return Statement(start, sql)
    if len(header) > 3:
        raise ParseError(path, start, "'statement error' takes at most one errno")
    errno = None
    if len(header) == 3:
        if not header[2].isdigit():
            raise ParseError(path, start, f"errno must be a number, got '{header[2]}'")
        errno = int(header[2])
    message = None
    if tail is not None:
        message = "\n".join(tail)
        if not message.strip():
            raise ParseError(path, start, "empty expected error message after '----'")
    return Statement(start, sql, expect_ok=False, errno=errno, message=message)


def _parse_query(path, start, header, sql, tail) -> Query:
    if len(header) < 2:
        raise ParseError(path, start, "'query' needs column types, e.g. 'query IT'")
    types = header[1]
    bad = [c for c in types if c not in TYPE_LETTERS]
    if bad:
        raise ParseError(path, start, f"unknown column type letter(s) {''.join(bad)!r}; "
                                      f"use {TYPE_LETTERS}")
    sort_mode = "nosort"
    want_header = False
    for option in header[2:]:
        if option in SORT_MODES:
            sort_mode = option
        elif option == "header":
            want_header = True
        else:
            # DuckDB allows a trailing label; accept and ignore it.
            pass
    if not sql:
        raise ParseError(path, start, "query without SQL")
    if tail is None:
        raise ParseError(path, start, "query without '----' line")
    query = Query(start, sql, types, sort_mode)
    if want_header:
        if not tail:
            raise ParseError(path, start, "'header' given but no column-name line after '----'")
        query.header = tail[0].split("\t")
        tail = tail[1:]
    query.expected = tail
    return query


# ------------------------------------------------------------------------------------------
# Rendering and comparison (pure functions, unit-tested)


def render_value(value) -> str:
    """Text form of one value as the runner compares it."""
    if value is None:
        return "NULL"
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", errors="backslashreplace")
    else:
        value = str(value)
    if value == "":
        return "(empty)"
    # Newlines and tabs would break the line/column layout of the expected section.
    return value.replace("\n", "\\n").replace("\t", "\\t")


def expected_rows(lines: list[str], ncols: int) -> list[list[str]]:
    """Expected rows from the lines after `----`.

    Each line is one tab-separated row. For multi-column queries the classic sqllogictest
    layout (one value per line) is also accepted when every line holds a single value.
    """
    rows = [line.split("\t") for line in lines]
    if ncols > 1 and rows and all(len(r) == 1 for r in rows) and len(rows) % ncols == 0:
        flat = [r[0] for r in rows]
        rows = [flat[i:i + ncols] for i in range(0, len(flat), ncols)]
    return rows


def sort_rows(rows: list[list[str]], mode: str) -> list[list[str]]:
    if mode == "rowsort":
        return sorted(rows)
    if mode == "valuesort":
        ncols = len(rows[0]) if rows else 1
        flat = sorted(v for r in rows for v in r)
        return [flat[i:i + ncols] for i in range(0, len(flat), ncols)]
    return rows


def check_types(types: str, columns: list[tuple[str, int, int]], rows) -> Optional[str]:
    """Checks the column-type letters against the server's column definitions.

    `columns` is a list of (name, type code, decimals); `rows` the raw values (str for text
    columns, bytes for text columns the server marked binary, None for NULL).
    Returns an error message or None.
    """
    if len(types) != len(columns):
        return f"expected {len(types)} column(s) ({types}), got {len(columns)}"
    for idx, (letter, (name, code, decimals)) in enumerate(zip(types, columns)):
        tname = _TYPE_NAMES.get(code, str(code))
        where = f"column {idx + 1} ({name!r})"
        if code == _NULL_TYPE:
            continue
        if letter == "I":
            ok = code in _INTEGER_TYPES or (code in _DECIMAL_TYPES and decimals == 0)
            if not ok:
                return f"{where}: type letter I but server sent {tname}"
        elif letter == "R":
            if code not in _REAL_TYPES:
                return f"{where}: type letter R but server sent {tname}"
        else:
            if code not in _TEXT_TYPES and code not in _TEMPORAL_TYPES:
                return f"{where}: type letter T but server sent {tname}"
            if any(isinstance(r[idx], (bytes, bytearray)) for r in rows):
                return (f"{where}: text column sent with the binary collation (63); "
                        "clients would see bytes, not text")
    return None


def _values_equal(expected: str, actual: str, letter: str) -> bool:
    if expected == actual:
        return True
    if letter == "R":
        try:
            e, a = float(expected), float(actual)
        except ValueError:
            return False
        return math.isclose(e, a, rel_tol=1e-9, abs_tol=1e-12)
    return False


def compare_rows(types: str, expected: list[list[str]], actual: list[list[str]]) -> bool:
    if len(expected) != len(actual):
        return False
    for erow, arow in zip(expected, actual):
        if len(erow) != len(arow):
            return False
        for col_idx, (e, a) in enumerate(zip(erow, arow)):
            letter = types[col_idx] if col_idx < len(types) else "T"
            if not _values_equal(e, a, letter):
                return False
    return True


# ------------------------------------------------------------------------------------------
# Execution


@dataclasses.dataclass
class Options:
    host: str = "127.0.0.1"
    port: int = 9030
    user: str = "root"
    password: str = ""
    connect_timeout: float = 10.0
    read_timeout: float = 300.0
    verbose: bool = False
    exit_first: bool = False


@dataclasses.dataclass
class Result:
    passed: int = 0
    failed: int = 0


class Failure(Exception):
    pass


def database_name_for(path: str) -> str:
    """Deterministic per-file database name used by `fresh_database` (`${DATABASE}`)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    parent = os.path.basename(os.path.dirname(os.path.abspath(path)))
    name = re.sub(r"[^0-9a-zA-Z_]", "_", f"slt_{parent}_{stem}").lower()
    return name[:64]


class FileRunner:
    """Runs the records of one file on one fresh connection."""

    def __init__(self, path: str, options: Options, out=sys.stdout, connect=None):
        self.path = path
        self.options = options
        self.out = out
        self.result = Result()
        self.database: Optional[str] = None
        self._connect_fn = connect or self._connect
        self.conn = None

    def _connect(self):
        import pymysql  # imported lazily so that parser tests need no driver

        return pymysql.connect(
            host=self.options.host, port=self.options.port, user=self.options.user,
            password=self.options.password, autocommit=True, conv={},
            connect_timeout=self.options.connect_timeout,
            read_timeout=self.options.read_timeout, write_timeout=self.options.read_timeout,
        )

    # Each call returns (columns, rows) or raises the driver's exception.
    def _execute(self, sql: str):
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
            if cur.description is None:
                return None, []
            rows = [list(r) for r in cur.fetchall()]
            fields = getattr(getattr(cur, "_result", None), "fields", None)
            if fields:
                columns = [(f.name, f.type_code, f.scale) for f in fields]
            else:
                columns = [(d[0], d[1], d[5] or 0) for d in cur.description]
            return columns, rows
        finally:
            cur.close()

    def _fail(self, record, sql: str, lines: list[str]):
        self.result.failed += 1
        print(f"FAIL {self.path}:{record.line}", file=self.out)
        print("  SQL: " + sql.replace("\n", "\n       "), file=self.out)
        for line in lines:
            print("  " + line, file=self.out)
        print(file=self.out)
        if self.options.exit_first:
            raise Failure()

    def _pass(self):
        self.result.passed += 1

    def _substitute(self, text: str) -> str:
        if self.database is not None:
            return text.replace(DATABASE_VARIABLE, self.database)
        return text

    def run(self, records: list[Record]) -> Result:
        try:
            self.conn = self._connect_fn()
        except Exception as exc:  # noqa: BLE001 - any connect failure is one failed test
            self.result.failed += 1
            print(f"FAIL {self.path}:1\n  cannot connect to {self.options.host}:"
                  f"{self.options.port}: {exc}\n", file=self.out)
            return self.result
        try:
            for record in records:
                if isinstance(record, Halt):
                    break
                self._run_record(record)
        except Failure:
            pass
        finally:
            self._cleanup()
        return self.result

    def _cleanup(self):
        try:
            if self.database is not None:
                self._execute(f"DROP DATABASE IF EXISTS `{self.database}`")
        except Exception:  # noqa: BLE001 - best effort
            pass
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001
            pass

    def _reconnect_if_lost(self, exc):
        code = exc.args[0] if getattr(exc, "args", None) else None
        if code in (2006, 2013, 2014, 2055) or not getattr(self.conn, "open", True):
            try:
                self.conn = self._connect_fn()
                if self.database is not None:
                    self._execute(f"USE `{self.database}`")
            except Exception:  # noqa: BLE001 - the next record will fail and say so
                pass

    def _run_record(self, record: Record):
        if isinstance(record, FreshDatabase):
            self.database = database_name_for(self.path)
            statements = [f"DROP DATABASE IF EXISTS `{self.database}`",
                          f"CREATE DATABASE `{self.database}`", f"USE `{self.database}`"]
            sql = ";\n".join(statements)
            try:
                for stmt in statements:
                    self._execute(stmt)
                self._pass()
            except Exception as exc:  # noqa: BLE001
                self._fail(record, sql, [f"error: {_describe_error(exc)}"])
            return
        sql = self._substitute(record.sql)
        start = time.monotonic()
        try:
            columns, rows = self._execute(sql)
            error = None
        except Exception as exc:  # noqa: BLE001 - driver errors are test outcomes
            columns, rows, error = None, None, exc
        if self.options.verbose:
            print(f"  {self.path}:{record.line} ({time.monotonic() - start:.3f}s)", file=self.out)
        if error is not None and not _is_server_error(error):
            self._reconnect_if_lost(error)
        if isinstance(record, Statement):
            self._check_statement(record, sql, error)
        else:
            self._check_query(record, sql, columns, rows, error)

    def _check_statement(self, record: Statement, sql: str, error):
        if record.expect_ok:
            if error is None:
                self._pass()
            else:
                self._fail(record, sql, ["expected: ok", f"actual:   error {_describe_error(error)}"])
            return
        if error is None:
            want = f"error {record.errno}" if record.errno is not None else "an error"
            self._fail(record, sql, [f"expected: {want}", "actual:   ok"])
            return
        code, message = _error_code_message(error)
        problems = []
        if record.errno is not None and code != record.errno:
            problems.append(f"expected errno {record.errno}, got {code}")
        expected_message = None if record.message is None else self._substitute(record.message)
        if expected_message is not None and expected_message not in (message or ""):
            problems.append(f"expected message containing {record.message!r}")
        if problems:
            self._fail(record, sql, problems + [f"actual:   error {_describe_error(error)}"])
        else:
            self._pass()

    def _check_query(self, record: Query, sql: str, columns, rows, error):
        if error is not None:
            self._fail(record, sql, ["expected: a result set",
                                     f"actual:   error {_describe_error(error)}"])
            return
        if columns is None:
            self._fail(record, sql, ["expected: a result set", "actual:   OK packet (no columns)"])
            return
        type_error = check_types(record.types, columns, rows)
        if type_error:
            self._fail(record, sql, [type_error] + _format_table(
                "actual", [c[0] for c in columns], [[render_value(v) for v in r] for r in rows]))
            return
        names = [c[0] for c in columns]
        if record.header is not None and names != self._substitute_list(record.header):
            self._fail(record, sql, ["column names differ",
                                     "expected: " + "\t".join(record.header),
                                     "actual:   " + "\t".join(names)])
            return
        actual = [[render_value(v) for v in r] for r in rows]
        expected = expected_rows([self._substitute(line) for line in record.expected],
                                 len(columns))
        actual_sorted = sort_rows(actual, record.sort_mode)
        expected_sorted = sort_rows(expected, record.sort_mode)
        if compare_rows(record.types, expected_sorted, actual_sorted):
            self._pass()
            return
        lines = [f"sort mode: {record.sort_mode}"]
        lines += _format_table("expected", None, expected_sorted)
        lines += _format_table("actual", names, actual_sorted)
        self._fail(record, sql, lines)

    def _substitute_list(self, items: list[str]) -> list[str]:
        return [self._substitute(i) for i in items]


def _format_table(title: str, names, rows) -> list[str]:
    out = [f"{title} ({len(rows)} row{'s' if len(rows) != 1 else ''}):"]
    if names:
        out.append("  | " + "\t".join(names))
    out += ["  | " + "\t".join(r) for r in rows]
    return out


def _is_server_error(exc) -> bool:
    code, _ = _error_code_message(exc)
    return code is not None and code < 2000


def _error_code_message(exc) -> tuple[Optional[int], Optional[str]]:
    args = getattr(exc, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        return args[0], str(args[1])
    return None, str(exc)


def _describe_error(exc) -> str:
    code, message = _error_code_message(exc)
    if code is None:
        return f"{type(exc).__name__}: {message}"
    return f"{code}: {message}"


def collect_files(paths: Sequence[str], include_slow: bool = False) -> list[str]:
    suffixes = (".test", ".test_slow") if include_slow else (".test",)
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith(suffixes)]
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise FileNotFoundError(path)
    return files


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="slt.py",
        description="Run sqllogictest (.test) files against a MySQL-protocol server. Every "
                    "statement/query record counts as one test: the last line printed is "
                    "'N passed, M failed' with N and M counted in records (a file that cannot "
                    "be parsed or connected counts as one failed record). Exit status is 0 "
                    "only when nothing failed.")
    parser.add_argument("paths", nargs="+", metavar="FILES_OR_DIRS",
                        help=".test files, or directories searched recursively for *.test")
    parser.add_argument("--host", default=os.environ.get("BASALT_MYSQL_HOST", "127.0.0.1"),
                        help="server host (default: $BASALT_MYSQL_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int,
                        default=int(os.environ.get("BASALT_MYSQL_PORT", "9030")),
                        help="server port (default: $BASALT_MYSQL_PORT or 9030)")
    parser.add_argument("--user", default=os.environ.get("BASALT_MYSQL_USER", "root"))
    parser.add_argument("--password", default=os.environ.get("BASALT_MYSQL_PASSWORD", ""))
    parser.add_argument("--slow", action="store_true",
                        help="also run *.test_slow files found in directories")
    parser.add_argument("-x", "--exitfirst", action="store_true",
                        help="stop at the first failed record")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every file and record as it runs, with timings")
    args = parser.parse_args(argv)

    options = Options(host=args.host, port=args.port, user=args.user, password=args.password,
                      verbose=args.verbose, exit_first=args.exitfirst)
    total = Result()
    try:
        files = collect_files(args.paths, include_slow=args.slow)
    except FileNotFoundError as exc:
        print(f"no such file or directory: {exc}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    for path in files:
        if options.verbose:
            print(path)
        try:
            with open(path, encoding="utf-8") as f:
                records = parse(f.read(), path)
        except (ParseError, UnicodeDecodeError) as exc:
            print(f"FAIL {exc}\n")
            total.failed += 1
            if options.exit_first:
                break
            continue
        result = FileRunner(path, options).run(records)
        total.passed += result.passed
        total.failed += result.failed
        if options.exit_first and result.failed:
            break
    print(f"{total.passed} passed, {total.failed} failed")
    return 0 if total.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
