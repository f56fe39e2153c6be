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
import java.util.regex.Pattern;

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

    /** A storage provider's URL (s3://, gs://, https://): compiled once, a webui.db may have a million rows. */
    private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://");

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

    /**
     * What a captured webui.db says, before its file rows are checked against the uploads. The
     * rows' upload paths are kept packed and sorted in path order ({@link SortedNames}): a million
     * rows are ~70 MB there, against ~200 MB as a set of Strings plus a copy of it to tally.
     */
    public record DatabaseFacts(String schemaRevision, Map<String, Long> counts, SortedNames uploadRows, List<String> externalFiles) {

        /** Checks the file rows against the upload paths of the same backup ("uploads/…"). */
        public InstanceFacts crossCheck(Collection<String> uploadPaths) {
            Set<String> present = new HashSet<>(uploadPaths);
            List<String> rowsWithoutFile = new ArrayList<>();
            for (int i = 0; i < uploadRows.size(); i++) {
                String r = uploadRows.get(i);
                if (!present.contains(r)) {
                    rowsWithoutFile.add(r);
                }
            }
            rowsWithoutFile.sort(null);
            List<String> filesWithoutRow = present.stream().filter(p -> !uploadRows.contains(p)).sorted().toList();
            return new InstanceFacts(schemaRevision, counts, List.copyOf(rowsWithoutFile), filesWithoutRow, externalFiles);
        }

        /**
         * The same check fed one upload path at a time in path order, as a streaming backup stores
         * them: a merge of two sorted sequences, so it holds nothing per upload but the findings.
         */
        public UploadTally tally() {
            return new UploadTally(this);
        }
    }

    /**
     * {@link DatabaseFacts#crossCheck} one upload path at a time, the paths in format 3's path
     * order (as a backup's entries come), each once; not thread-safe. The rows are sorted the same
     * way, so each path is compared with the next unmatched row only: rows passed over have no file.
     */
    public static final class UploadTally {
        private final DatabaseFacts db;
        private final List<String> rowsWithoutFile = new ArrayList<>();
        private final List<String> filesWithoutRow = new ArrayList<>();
        private int row;
        private byte[] last;

        private UploadTally(DatabaseFacts db) {
            this.db = db;
        }

        /** An upload path ("uploads/…") that is in the backup; each path once, in path order. */
        public void upload(String path) {
            byte[] key = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (last != null && SortedNames.compare(last, 0, last.length, key, 0, key.length) >= 0) {
                throw new IllegalStateException("upload paths out of path order: " + path + " after "
                        + new String(last, java.nio.charset.StandardCharsets.UTF_8));
            }
            last = key;
            SortedNames rows = db.uploadRows();
            int c = -1;
            while (row < rows.size() && (c = rows.compareTo(row, key)) < 0) {
                rowsWithoutFile.add(rows.get(row++));
            }
            if (row < rows.size() && c == 0) {
                row++;
            } else {
                filesWithoutRow.add(path);
            }
        }

        public InstanceFacts facts() {
            SortedNames rows = db.uploadRows();
            List<String> without = new ArrayList<>(rowsWithoutFile);
            for (int i = row; i < rows.size(); i++) {
                without.add(rows.get(i));
            }
            without.sort(null);
            List<String> files = new ArrayList<>(filesWithoutRow);
            files.sort(null);
            return new InstanceFacts(db.schemaRevision(), db.counts(), List.copyOf(without), List.copyOf(files), db.externalFiles());
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
            SortedNames.Builder rows = new SortedNames.Builder();
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
            return new DatabaseFacts(schemaRevision(c, tables), counts, rows.build(true), external);
        }
    }

    /**
     * Maps a file row's path to its place in the data directory. Rows hold absolute paths as seen
     * inside the container ({@code /app/backend/data/uploads/<uuid>_<name>}) or another storage
     * provider's URL; only the part from the last "uploads/" on is comparable with what we copied.
     */
    public static String uploadRelPath(String path) {
        if (URL.matcher(path).lookingAt()) {
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
