package dev.owui.backup.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * A JDBC connection to one SQLite file plus a cache of INSERT statements, so bulk fixture
 * inserts (hundreds of thousands of rows for a 1 GB fixture) reuse prepared statements.
 */
final class Rows implements AutoCloseable {

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private Rows(Connection connection) {
        this.connection = connection;
    }

    /** Opens {@code file}, creating it if absent, and runs the given PRAGMAs in order. */
    static Rows open(Path file, String... pragmas) throws SQLException {
        Rows rows = new Rows(connect(file));
        for (String pragma : pragmas) {
            rows.exec("PRAGMA " + pragma);
        }
        return rows;
    }

    static Connection connect(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    Connection connection() {
        return connection;
    }

    /** Runs one or more ';'-separated statements (DDL scripts). */
    void exec(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String part : sql.split(";\\s*\n")) {
                if (!part.isBlank()) {
                    st.execute(part);
                }
            }
        }
    }

    /** INSERT INTO table (k1, k2, ...) VALUES (v1, v2, ...) from alternating names and values. */
    void insert(String table, Object... kv) throws SQLException {
        StringBuilder cols = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        Object[] values = new Object[kv.length / 2];
        for (int i = 0; i < kv.length; i += 2) {
            cols.append(i == 0 ? "" : ", ").append('"').append(kv[i]).append('"');
            marks.append(i == 0 ? "?" : ", ?");
            values[i / 2] = kv[i + 1];
        }
        update("INSERT INTO \"" + table + "\" (" + cols + ") VALUES (" + marks + ")", values);
    }

    /** Runs one parameterised statement (prepared once per distinct SQL); returns the update count. */
    int update(String sql, Object... params) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps.executeUpdate();
    }

    void begin() throws SQLException {
        connection.setAutoCommit(false);
    }

    void commit() throws SQLException {
        connection.commit();
        connection.setAutoCommit(true);
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : statements.values()) {
            ps.close();
        }
        connection.close();
    }
}
