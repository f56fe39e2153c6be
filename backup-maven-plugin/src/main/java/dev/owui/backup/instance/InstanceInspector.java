package dev.owui.backup.instance;

import dev.owui.backup.format.InstanceFacts;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads what an operator wants to know about an instance from a copy of its webui.db: the
 * Alembic schema revision, row counts, and the file rows checked against uploads/. The schema is
 * read from sqlite_master, never assumed: old installs lack tables that new ones have.
 */
public final class InstanceInspector {
    /** Counted tables, by the name shown to operators. */
    private static final Map<String, String> COUNTED = new LinkedHashMap<>();

    static {
        COUNTED.put("users", "user");
        COUNTED.put("chats", "chat");
        COUNTED.put("messages", "chat_message");
        COUNTED.put("files", "file");
        COUNTED.put("knowledge", "knowledge");
    }

    private InstanceInspector() {
    }

    /** The counted tables (name shown to operators → table), for the PostgreSQL reader to count alike. */
    public static Map<String, String> countedTables() {
        return java.util.Collections.unmodifiableMap(COUNTED);
    }

    /** The schema revision of a database file nobody writes, or null when it has none. */
    public static String schemaRevision(Path webuiDb) throws SQLException {
        try (Connection c = Sqlite.openFrozen(webuiDb)) {
            return schemaRevision(c, tables(c));
        }
    }

    /** The schema revision of a private copy of a database and its WAL (the copy may be changed). */
    public static String schemaRevisionWithWal(Path webuiDb) throws SQLException {
        try (Connection c = Sqlite.openCopy(webuiDb)) {
            return schemaRevision(c, tables(c));
        }
    }

    /** What a captured webui.db says, before its file rows are checked against the uploads. */
    public record DatabaseFacts(String schemaRevision, Map<String, Long> counts, Set<String> uploadRows, List<String> externalFiles) {

        /** Checks the file rows against the upload paths of the same backup ("uploads/…"). */
        public InstanceFacts crossCheck(Collection<String> uploadPaths) {
            Set<String> present = new HashSet<>(uploadPaths);
            List<String> rowsWithoutFile = uploadRows.stream().filter(r -> !present.contains(r)).sorted().toList();
            List<String> filesWithoutRow = present.stream().filter(p -> !uploadRows.contains(p)).sorted().toList();
            return new InstanceFacts(schemaRevision, counts, rowsWithoutFile, filesWithoutRow, externalFiles);
        }

        /**
         * The same check fed one upload path at a time, as a streaming backup stores them: it holds
         * the file rows still unmatched and the uploads without a row, never every upload path.
         */
        public UploadTally tally() {
            return new UploadTally(this);
        }
    }

    /** {@link DatabaseFacts#crossCheck} one upload path at a time (not thread-safe). */
    public static final class UploadTally {
        private final DatabaseFacts db;
        private final Set<String> unmatchedRows;
        private final List<String> filesWithoutRow = new ArrayList<>();

        private UploadTally(DatabaseFacts db) {
            this.db = db;
            this.unmatchedRows = new HashSet<>(db.uploadRows());
        }

        /** An upload path ("uploads/…") that is in the backup; each path once. */
        public void upload(String path) {
            if (!unmatchedRows.remove(path) && !db.uploadRows().contains(path)) {
                filesWithoutRow.add(path);
            }
        }

        public InstanceFacts facts() {
            List<String> rowsWithoutFile = unmatchedRows.stream().sorted().toList();
            List<String> without = filesWithoutRow.stream().sorted().toList();
            return new InstanceFacts(db.schemaRevision(), db.counts(), rowsWithoutFile, without, db.externalFiles());
        }
    }

    /** Reads a webui.db that nobody writes (a captured copy or a stored backup). */
    public static DatabaseFacts read(Path webuiDb) throws SQLException {
        try (Connection c = Sqlite.openFrozen(webuiDb)) {
            Set<String> tables = tables(c);
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : COUNTED.entrySet()) {
                if (tables.contains(e.getValue())) {
                    counts.put(e.getKey(), count(c, e.getValue()));
                }
            }
            Set<String> rows = new TreeSet<>();
            List<String> external = new ArrayList<>();
            if (tables.contains("file")) {
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT path FROM file")) {
                    while (r.next()) {
                        String path = r.getString(1);
                        if (path == null || path.isBlank()) {
                            continue; // rows for content without a stored file (pasted text)
                        }
                        String rel = uploadRelPath(path);
                        if (rel == null) {
                            external.add(path);
                        } else {
                            rows.add(rel);
                        }
                    }
                }
            }
            return new DatabaseFacts(schemaRevision(c, tables), counts, rows, external);
        }
    }

    /**
     * Maps a file row's path to its place in the data directory. Rows hold absolute paths as seen
     * inside the container ({@code /app/backend/data/uploads/<uuid>_<name>}) or another storage
     * provider's URL; only the part from the last "uploads/" on is comparable with what we copied.
     */
    public static String uploadRelPath(String path) {
        if (path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return null; // s3://, gs://, https://…blob.core.windows.net: stored outside the data directory
        }
        // A Windows path (no '/' at all) has backslashes between names; elsewhere one belongs to a name.
        String p = path.indexOf('/') < 0 ? path.replace('\\', '/') : path;
        int i = p.lastIndexOf("/uploads/");
        if (i >= 0) {
            return p.substring(i + 1);
        }
        return p.startsWith("uploads/") ? p : null;
    }

    private static String schemaRevision(Connection c, Set<String> tables) throws SQLException {
        if (!tables.contains("alembic_version")) {
            return null;
        }
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version_num FROM alembic_version")) {
            return r.next() ? r.getString(1) : null;
        }
    }

    private static Set<String> tables(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
            r.next();
            return r.getLong(1);
        }
    }
}
