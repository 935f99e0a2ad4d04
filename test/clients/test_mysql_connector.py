"""mysql-connector-python, with the C extension and pure-Python (mysql_protocol.md §3.9):
`SET NAMES 'utf8mb4' COLLATE ...`, `SET @@session.autocommit = OFF`, MULTI_STATEMENTS flag."""

import pytest

mysql_connector = pytest.importorskip("mysql.connector")


def _c_extension_problem():
    """None when the C extension loads, else why not (e.g. a wheel built for a newer OpenSSL)."""
    try:
        import _mysql_connector  # noqa: F401
    except ImportError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("use_pure", [True, False], ids=["pure", "cext"])
def test_connect_and_typed_values(target, use_pure):
    if not use_pure:
        problem = _c_extension_problem()
        if problem:
            pytest.skip(f"mysql-connector-python C extension unavailable: {problem}")
    conn = mysql_connector.connect(host=target.host, port=target.port, user=target.user,
                                   password=target.password, use_pure=use_pure,
                                   connection_timeout=10)
    try:
        assert conn.is_connected()
        cur = conn.cursor()
        cur.execute("SELECT 1, 'abc', NULL, @@session.autocommit")
        row = cur.fetchone()
        assert row[0] == 1 and isinstance(row[0], int)
        assert row[1] == "abc" and isinstance(row[1], str)
        assert row[2] is None
        assert row[3] in (0, 1) and isinstance(row[3], int)
        cur.execute("SHOW DATABASES")
        names = [r[0] for r in cur.fetchall()]
        assert "information_schema" in [n.lower() for n in names]
        # The autocommit property runs SELECT @@session.autocommit and compares with 1.
        conn.autocommit = True
        assert conn.autocommit is True
        conn.autocommit = False
        assert conn.autocommit is False
        conn.commit()
        conn.rollback()
        cur.close()
    finally:
        conn.close()


def test_server_version(target):
    conn = mysql_connector.connect(host=target.host, port=target.port, user=target.user,
                                   password=target.password, use_pure=True)
    try:
        target.require_basalt("server version 8.0.33")
        assert conn.get_server_info().startswith("8.0.33")
        assert conn.get_server_version()[:3] == (8, 0, 33)
    finally:
        conn.close()
