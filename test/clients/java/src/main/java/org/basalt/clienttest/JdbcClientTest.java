package org.basalt.clienttest;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects to a MySQL-protocol server with MySQL Connector/J and MariaDB Connector/J and checks
 * what every JDBC tool does first: the driver's init queries succeed, product version, a query,
 * SHOW DATABASES, a server variable and a server-side prepared statement.
 *
 * <p>System properties: basalt.host (127.0.0.1), basalt.port (9030), basalt.user (root),
 * basalt.expectVersion (when non-empty, DatabaseMetaData.getDatabaseProductVersion must start
 * with it). Prints one line per check and "N passed, M failed"; exits 1 if anything failed.
 */
public final class JdbcClientTest {
  private int passed = 0;
  private int failed = 0;

  public static void main(String[] args) {
    JdbcClientTest test = new JdbcClientTest();
    String host = System.getProperty("basalt.host", "127.0.0.1");
    String port = System.getProperty("basalt.port", "9030");
    String user = System.getProperty("basalt.user", "root");
    String expectVersion = System.getProperty("basalt.expectVersion", "");
    String hostPort = host + ":" + port;

    test.runDriver("mysql-connector-j", "jdbc:mysql://" + hostPort + "/?user=" + user,
        "jdbc:mysql://" + hostPort + "/?user=" + user + "&useServerPrepStmts=true",
        expectVersion);
    test.runDriver("mariadb-java-client", "jdbc:mariadb://" + hostPort + "/?user=" + user,
        "jdbc:mariadb://" + hostPort + "/?user=" + user + "&useServerPrepStmts=true",
        expectVersion);

    System.out.println(test.passed + " passed, " + test.failed + " failed");
    System.exit(test.failed == 0 ? 0 : 1);
  }

  private interface Check {
    void run() throws Exception;
  }

  private void check(String name, Check body) {
    try {
      body.run();
      passed++;
      System.out.println("PASS " + name);
    } catch (Throwable e) {
      failed++;
      System.out.println("FAIL " + name + ": " + describe(e));
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof SQLException sql) {
      return sql.getClass().getSimpleName() + " errno=" + sql.getErrorCode() + " sqlstate="
          + sql.getSQLState() + " " + sql.getMessage();
    }
    return e.toString();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message);
    }
  }

  private void runDriver(String driver, String url, String preparedUrl, String expectVersion) {
    check(driver + " text protocol", () -> {
      try (Connection conn = DriverManager.getConnection(url)) {
        DatabaseMetaData meta = conn.getMetaData();
        String version = meta.getDatabaseProductVersion();
        System.out.println("  " + driver + " " + meta.getDriverVersion() + " -> server "
            + meta.getDatabaseProductName() + " " + version);
        require(version != null && !version.isEmpty(), "empty product version");
        if (!expectVersion.isEmpty()) {
          require(version.startsWith(expectVersion),
              "product version " + version + " does not start with " + expectVersion);
        }
        try (Statement st = conn.createStatement()) {
          try (ResultSet rs = st.executeQuery("SELECT 1")) {
            require(rs.next(), "SELECT 1 returned no row");
            require(rs.getInt(1) == 1, "SELECT 1 returned " + rs.getString(1));
            require(!rs.next(), "SELECT 1 returned more than one row");
          }
          List<String> databases = new ArrayList<>();
          try (ResultSet rs = st.executeQuery("SHOW DATABASES")) {
            require("Database".equals(rs.getMetaData().getColumnLabel(1)),
                "SHOW DATABASES column is " + rs.getMetaData().getColumnLabel(1));
            while (rs.next()) {
              databases.add(rs.getString(1));
            }
          }
          require(databases.stream().anyMatch("information_schema"::equalsIgnoreCase),
              "SHOW DATABASES lacks information_schema: " + databases);
          try (ResultSet rs = st.executeQuery("SELECT @@version_comment")) {
            require(rs.next(), "SELECT @@version_comment returned no row");
            String comment = rs.getString(1);
            require(comment != null && !comment.isEmpty(), "empty @@version_comment");
            require("@@version_comment".equals(rs.getMetaData().getColumnLabel(1)),
                "column label is " + rs.getMetaData().getColumnLabel(1));
          }
        }
        // HikariCP calls isReadOnly() on every new connection (SELECT @@session.transaction_read_only).
        require(!conn.isReadOnly(), "connection reports read-only");
        conn.setAutoCommit(false);
        conn.commit();
        conn.rollback();
        conn.setAutoCommit(true);
      }
    });

    check(driver + " server-side prepared statement", () -> {
      try (Connection conn = DriverManager.getConnection(preparedUrl);
          PreparedStatement ps = conn.prepareStatement("SELECT ?+1")) {
        for (int value : new int[] {41, -2}) {
          ps.setInt(1, value);
          try (ResultSet rs = ps.executeQuery()) {
            require(rs.next(), "SELECT ?+1 returned no row");
            long got = rs.getLong(1);
            require(got == value + 1L, "SELECT ?+1 with " + value + " returned " + got);
            require(!rs.next(), "SELECT ?+1 returned more than one row");
          }
        }
      }
    });
  }
}
