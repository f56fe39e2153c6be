package dev.owui.backup.postgres;

import dev.owui.backup.instance.InstanceInspector;
import dev.owui.backup.instance.SortedNames;
import dev.owui.backup.instance.InstanceInspector.DatabaseFacts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an Open WebUI database in PostgreSQL says, read the way {@link InstanceInspector} reads
 * webui.db: the Alembic revision, the row counts of the same tables, and the {@code file} rows'
 * paths for the uploads cross-check. Tables are looked up in the connection's current schema
 * (Open WebUI's DATABASE_SCHEMA sets the search path; "public" otherwise), never assumed.
 */
public final class PgFacts {
    private PgFacts() {
    }

    /** Reads the facts on {@code c}; inside a snapshot's transaction they describe that snapshot. */
    public static DatabaseFacts read(Connection c) throws SQLException {
        return read(c, null);
    }

    /**
     * The same in {@code schema} (Open WebUI's DATABASE_SCHEMA, which names the schema of its
     * tables), or in the connection's current schema when null.
     */
    public static DatabaseFacts read(Connection c, String schema) throws SQLException {
        String prefix = schema == null ? "" : quote(schema) + ".";
        Set<String> tables = tables(c, schema);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : InstanceInspector.countedTables().entrySet()) {
            if (tables.contains(e.getValue())) {
                counts.put(e.getKey(), count(c, prefix + quote(e.getValue())));
            }
        }
        SortedNames.Builder rows = new SortedNames.Builder();
        List<String> external = new ArrayList<>();
        if (tables.contains("file")) {
            try (Statement s = c.createStatement()) {
                s.setFetchSize(1000); // a cursor: 100,000 file rows are not held twice
                try (ResultSet r = s.executeQuery("SELECT path FROM " + prefix + "\"file\"")) {
                    while (r.next()) {
                        String path = r.getString(1);
                        if (path == null || path.isBlank()) {
                            continue; // rows for content without a stored file (pasted text)
                        }
                        String rel = InstanceInspector.uploadRelPath(path);
                        if (rel == null) {
                            external.add(path);
                        } else {
                            rows.add(rel);
                        }
                    }
                }
            }
        }
        String revision = null;
        if (tables.contains("alembic_version")) {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version_num FROM " + prefix + "alembic_version")) {
                revision = r.next() ? r.getString(1) : null;
            }
        }
        return new DatabaseFacts(revision, counts, rows.build(true), external);
    }

    private static Set<String> tables(Connection c, String schema) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = coalesce(?, current_schema()) AND c.relkind IN ('r', 'p')")) {
            s.setString(1, schema);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }
}
