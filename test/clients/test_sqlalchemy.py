"""SQLAlchemy with `mysql+pymysql://` and with the PyPI `starrocks` dialect: engine init
(its own version/isolation/sql_mode probes), schema listing and a text query
(mysql_protocol.md §3.10, §3.11)."""

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")


def _url(target, scheme):
    auth = target.user + (f":{target.password}" if target.password else "")
    return f"{scheme}://{auth}@{target.host}:{target.port}/"


def _exercise(engine):
    with engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("select 1")).scalar() == 1
        row = conn.execute(sqlalchemy.text("SELECT 'x' AS s, 2 AS n")).one()
        assert row.s == "x" and row.n == 2
    names = sqlalchemy.inspect(engine).get_schema_names()
    assert "information_schema" in [n.lower() for n in names]
    # The pool returns the connection with ROLLBACK; a second checkout must still work.
    with engine.connect() as conn:
        assert conn.execute(sqlalchemy.text("select 2")).scalar() == 2


def test_mysql_pymysql(target):
    engine = sqlalchemy.create_engine(_url(target, "mysql+pymysql"), pool_pre_ping=True)
    try:
        _exercise(engine)
    finally:
        engine.dispose()


def test_starrocks_dialect(target):
    pytest.importorskip("starrocks")
    # The dialect's initialize() runs SELECT CURRENT_VERSION(), a StarRocks function.
    target.require_basalt("starrocks dialect needs CURRENT_VERSION()")
    engine = sqlalchemy.create_engine(_url(target, "starrocks"))
    try:
        _exercise(engine)
    finally:
        engine.dispose()
