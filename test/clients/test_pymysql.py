"""PyMySQL: connect (its own `SET NAMES utf8mb4` and autocommit handling), list databases,
run queries and check the Python types of the values (mysql_protocol.md §3.7)."""

import pymysql


def test_connect_and_typed_values(target):
    conn = target.pymysql()
    try:
        assert conn.get_server_info()
        with conn.cursor() as cur:
            cur.execute("SELECT 1, 'a', NULL, 2.5, @@autocommit, @@max_allowed_packet")
            row = cur.fetchone()
            assert row[0] == 1 and isinstance(row[0], int)
            assert row[1] == "a" and isinstance(row[1], str)  # text collation, not bytes
            assert row[2] is None
            assert float(row[3]) == 2.5
            assert isinstance(row[4], int) and row[4] in (0, 1)
            assert isinstance(row[5], int)
            cur.execute("SHOW DATABASES")
            assert cur.description[0][0] == "Database"
            names = [r[0] for r in cur.fetchall()]
            assert all(isinstance(n, str) for n in names)
            assert "information_schema" in [n.lower() for n in names]
            cur.execute("SELECT @@version_comment")
            assert isinstance(cur.fetchone()[0], str)
    finally:
        conn.close()


def test_default_autocommit_false_sends_set_autocommit(target):
    # PyMySQL's default autocommit=False: it sends SET AUTOCOMMIT = 0 when the handshake status
    # says autocommit is on; either way the session must end up with autocommit off.
    conn = target.pymysql()
    try:
        assert conn.get_autocommit() is False
        with conn.cursor() as cur:
            cur.execute("SELECT @@autocommit")
            assert cur.fetchone()[0] == 0
        conn.commit()
        conn.rollback()
    finally:
        conn.close()


def test_autocommit_true_and_handshake_status(target):
    conn = target.pymysql(autocommit=True)
    try:
        # SERVER_STATUS_AUTOCOMMIT must be set in the greeting and the OK packets (§0 item 1).
        assert conn.server_status & 0x0002
        with conn.cursor() as cur:
            cur.execute("SELECT @@autocommit")
            assert cur.fetchone()[0] == 1
        assert conn.server_status & 0x0002
    finally:
        conn.close()


def test_dict_cursor_aliases(target):
    conn = target.pymysql(cursorclass=pymysql.cursors.DictCursor)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT @@session.auto_increment_increment AS auto_increment_increment, "
                        "@@wait_timeout AS wt")
            row = cur.fetchone()
            assert row == {"auto_increment_increment": 1, "wt": row["wt"]}
            assert isinstance(row["wt"], int)
    finally:
        conn.close()


def test_ping_select_db_and_errors(target):
    conn = target.pymysql()
    try:
        conn.ping(reconnect=False)
        conn.select_db("information_schema")  # COM_INIT_DB
        with conn.cursor() as cur:
            cur.execute("SELECT DATABASE()")
            assert cur.fetchone()[0].lower() == "information_schema"
        try:
            conn.select_db("basalt_no_such_db")
        except pymysql.err.OperationalError as exc:
            assert exc.args[0] == 1049
        else:
            raise AssertionError("COM_INIT_DB of an unknown database succeeded")
        with conn.cursor() as cur:
            try:
                cur.execute("SELEC 1")
            except pymysql.err.ProgrammingError as exc:
                assert exc.args[0] == 1064
            else:
                raise AssertionError("syntax error not reported")
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
    finally:
        conn.close()


def test_server_version(target):
    conn = target.pymysql()
    try:
        target.require_basalt("server version 8.0.33")
        assert conn.get_server_info().startswith("8.0.33")
    finally:
        conn.close()


def test_query_larger_than_one_packet(target):
    # A 17 MiB statement arrives as two 16 MiB protocol packets plus a tail; the server joins
    # them, and the 17 MiB result row is split the same way on the way back.
    size = 17 * 1024 * 1024
    conn = target.pymysql(max_allowed_packet=64 * 1024 * 1024)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT LENGTH('" + "x" * size + "'), 'after'")
            assert cur.fetchone() == (size, "after")
            cur.execute("SELECT REPEAT('ab', %s)", (size // 2,))
            assert len(cur.fetchone()[0]) == size
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
    finally:
        conn.close()
