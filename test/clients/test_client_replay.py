"""Replays, through PyMySQL, the exact statements other clients send at connect or when
browsing (mysql_protocol.md §3) and asserts that each one succeeds. One connection per client,
statements in the client's order."""

import pytest

CONNECTOR_J_INIT = (
    "/* mysql-connector-j-9.7.0 (Revision: 0aade1f13bcc98faf7dda5c02e782481eb291f62) */"
    "SELECT  @@session.auto_increment_increment AS auto_increment_increment, "
    "@@character_set_client AS character_set_client, "
    "@@character_set_connection AS character_set_connection, "
    "@@character_set_results AS character_set_results, "
    "@@character_set_server AS character_set_server, @@collation_server AS collation_server, "
    "@@collation_connection AS collation_connection, @@init_connect AS init_connect, "
    "@@interactive_timeout AS interactive_timeout, @@license AS license, "
    "@@lower_case_table_names AS lower_case_table_names, "
    "@@max_allowed_packet AS max_allowed_packet, @@net_write_timeout AS net_write_timeout, "
    "@@performance_schema AS performance_schema, @@sql_mode AS sql_mode, "
    "@@system_time_zone AS system_time_zone, @@time_zone AS time_zone, "
    "@@transaction_isolation AS transaction_isolation, @@wait_timeout AS wait_timeout"
)

CLIENTS = {
    "connector_j": [
        CONNECTOR_J_INIT,
        "SET NAMES utf8mb4",
        "SET character_set_results = NULL",
        "SET autocommit=1",
        "SET sql_mode='ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
        "SELECT @@session.transaction_read_only",
        "SELECT @@session.transaction_isolation",
        "SET sql_select_limit=200",
        "SET sql_select_limit=DEFAULT",
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
        "SET SESSION TRANSACTION READ ONLY",
        "SET SESSION TRANSACTION READ WRITE",
        "SELECT CONNECTION_ID()",
        "COMMIT",
        "ROLLBACK",
    ],
    "mariadb_connector_j_3": [
        "SELECT @@time_zone, @@system_time_zone",
        "set autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES'), "
        "transaction_isolation='REPEATABLE-READ'",
        "SELECT @@max_allowed_packet, @@wait_timeout",
        "SET SESSION TRANSACTION READ WRITE",
    ],
    "mariadb_connector_j_2": [
        "SELECT @@max_allowed_packet,@@system_time_zone,@@time_zone,@@auto_increment_increment",
        "SHOW VARIABLES WHERE Variable_name in ('max_allowed_packet','system_time_zone',"
        "'time_zone','auto_increment_increment')",
    ],
    "dbeaver": [
        CONNECTOR_J_INIT,
        "SET NAMES utf8mb4",
        "SET character_set_results = NULL",
        "SET autocommit=1",
        "/* ApplicationName=DBeaver 24.1.0 - Metadata */ "
        "SHOW VARIABLES LIKE 'lower_case_table_names'",
        "/* ApplicationName=DBeaver 24.1.0 - Metadata */ SELECT DATABASE()",
        "/* ApplicationName=DBeaver 24.1.0 - Metadata */ SHOW DATABASES",
        "/* ApplicationName=DBeaver 24.1.0 - Metadata */ SELECT * FROM information_schema.SCHEMATA",
        "/* ApplicationName=DBeaver 24.1.0 - Main */ SET sql_select_limit=200",
        "/* ApplicationName=DBeaver 24.1.0 - Main */ SELECT 1",
        "/* ApplicationName=DBeaver 24.1.0 - Main */ SET sql_select_limit=DEFAULT",
    ],
    "workbench": [
        "set autocommit=1",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "SHOW SESSION VARIABLES LIKE 'lower_case_table_names'",
        "SELECT current_user()",
        "SET CHARACTER SET utf8",
        "SET NAMES utf8",
        "SHOW SESSION VARIABLES LIKE 'sql_mode'",
        "SELECT CONNECTION_ID()",
        "SHOW SESSION STATUS LIKE 'Ssl_cipher'",
        "SHOW GLOBAL STATUS",
        "SHOW DATABASES",
    ],
    "mysql_cli": [
        "select @@version_comment limit 1",
        "select DATABASE(), USER() limit 1",
        "select @@character_set_client, @@character_set_connection, @@character_set_server, "
        "@@character_set_database limit 1",
        "show databases",
    ],
    "mysql_connector_python": [
        "SET NAMES 'utf8mb4' COLLATE 'utf8mb4_0900_ai_ci'",
        "SET @@session.autocommit = OFF",
        "SET @@session.time_zone = '+00:00'",
        "SELECT @@session.autocommit",
    ],
    "sqlalchemy": [
        "SELECT VERSION()",
        "SELECT DATABASE()",
        "SELECT @@transaction_isolation",
        "SELECT @@sql_mode",
        "SELECT @@lower_case_table_names",
        "SHOW schemas",
        "ROLLBACK",
    ],
    "sqlx": [
        "SET sql_mode=(SELECT CONCAT(@@sql_mode, ',PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION')),"
        "time_zone='+00:00',NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
        "BEGIN",
        "COMMIT",
    ],
    "mysql_async": [
        "SELECT @@max_allowed_packet, @@wait_timeout, @@socket",
    ],
    "datagrip": [
        "SELECT @@default_storage_engine, @@default_tmp_storage_engine",
        "SELECT @@default_authentication_plugin",
        "SELECT @@authentication_policy",
        "select schema_name as name from information_schema.schemata "
        "order by if(schema() = schema_name, 1, 2), schema_name",
    ],
    "hikaricp": [
        "SELECT @@session.transaction_read_only",
    ],
}

# What a MySQL-8-era server handles but MariaDB 10.11 does not (used only with BASALT_ORACLE).
_ORACLE_GAPS = ("transaction_isolation", "transaction_read_only", "utf8mb4_0900_ai_ci",
                "default_authentication_plugin", "authentication_policy",
                "default_tmp_storage_engine")


@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_replay(target, client):
    conn = target.pymysql(autocommit=True)
    failures = []
    try:
        for sql in CLIENTS[client]:
            if target.oracle and any(gap in sql for gap in _ORACLE_GAPS):
                continue
            with conn.cursor() as cur:
                try:
                    cur.execute(sql)
                    cur.fetchall()
                except Exception as exc:  # noqa: BLE001 - collect every failing statement
                    failures.append(f"{sql!r}: {exc!r}")
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
    finally:
        conn.close()
    assert not failures, "statements rejected:\n" + "\n".join(failures)


def test_connector_j_init_values(target):
    """The Connector/J init row: labels are the aliases, integers are integers."""
    target.require_basalt("MySQL 8 variables (transaction_isolation) and Basalt defaults")
    conn = target.pymysql(autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(CONNECTOR_J_INIT)
            names = [d[0] for d in cur.description]
            row = dict(zip(names, cur.fetchone()))
        assert names[0] == "auto_increment_increment" and names[-1] == "wait_timeout"
        for key in ("auto_increment_increment", "interactive_timeout", "lower_case_table_names",
                    "max_allowed_packet", "net_write_timeout", "performance_schema",
                    "wait_timeout"):
            assert isinstance(row[key], int), (key, row[key])
        assert row["performance_schema"] == 0
        assert row["transaction_isolation"] == "REPEATABLE-READ"
        assert row["character_set_client"] == "utf8mb4"
    finally:
        conn.close()
