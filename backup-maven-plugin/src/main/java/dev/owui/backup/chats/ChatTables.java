package dev.owui.backup.chats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An Open WebUI database as {@link ChatExporter} reads it, whichever engine holds it: webui.db
 * (SQLite) or a PostgreSQL dump restored into a scratch database. The queries are the
 * exporter's, written once; this says only what differs between the two: how a table is named
 * (PostgreSQL needs {@code "user"} quoted and may keep the tables in Open WebUI's
 * DATABASE_SCHEMA) and how a table's columns are listed.
 */
public interface ChatTables {
    Connection connection();

    /** {@code name} as a query names the table: quoted, and schema-qualified where needed. */
    String table(String name);

    /** The table's column names; empty when there is no such table. */
    Set<String> columns(String table) throws SQLException;

    /** webui.db. */
    static ChatTables sqlite(Connection c) {
        return new Engine(c, ChatTables::quote, table -> {
            Set<String> out = new LinkedHashSet<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
                while (r.next()) {
                    out.add(r.getString("name"));
                }
            }
            return out;
        });
    }

    /**
     * An Open WebUI database in PostgreSQL, its tables in {@code schema}, or (null) in the one
     * schema that has a {@code chat} table, {@code public} when several do.
     */
    static ChatTables postgres(Connection c, String schema) throws SQLException {
        String in = schema != null ? schema : chatSchema(c);
        return new Engine(c, name -> quote(in) + "." + quote(name), table -> {
            Set<String> out = new LinkedHashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT column_name FROM information_schema.columns"
                    + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
                s.setString(1, in);
                s.setString(2, table);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** How one engine lists a table's columns. */
    @FunctionalInterface
    interface Columns {
        Set<String> of(String table) throws SQLException;
    }

    /** The one implementation: the two engines differ only in how a table is named and its columns listed. */
    record Engine(Connection connection, UnaryOperator<String> naming, Columns columnLister) implements ChatTables {
        @Override
        public String table(String name) {
            return naming.apply(name);
        }

        @Override
        public Set<String> columns(String table) throws SQLException {
            return columnLister.of(table);
        }
    }

    private static String chatSchema(Connection c) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT n.nspname FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'chat' AND c.relkind IN ('r', 'p')"
                + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
            while (r.next()) {
                schemas.add(r.getString(1));
            }
        }
        return schemas.size() == 1 ? schemas.get(0) : "public";
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
