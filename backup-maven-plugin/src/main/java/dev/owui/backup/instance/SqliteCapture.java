package dev.owui.backup.instance;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConnection;

/**
 * Captures a live SQLite database with SQLite's online backup API, in one step.
 *
 * <p>One step ({@code pagesPerStep = -1}) matters: a step-wise backup restarts whenever another
 * connection writes, so it may never finish while Open WebUI is busy; one step holds a read
 * transaction for the whole copy, which in WAL mode does not block writers and sees every commit,
 * including those that live only in the -wal file. The copy is checked with
 * {@code PRAGMA quick_check} before the caller keeps it.
 */
public final class SqliteCapture {
    private static final int SQLITE_OK = 0;
    private static final int SQLITE_FULL = 13;
    private static final int BUSY_SLEEP_MS = 100;
    private static final int BUSY_RETRIES = 100; // 10 s of a writer holding a rollback-journal lock

    private SqliteCapture() {
    }

    /**
     * Copies {@code source} into {@code dest}. Check the copy with {@link #check} before keeping
     * it. On any failure {@code dest} is removed and an {@link OwuiException} names the database.
     */
    public static void capture(Path source, Path dest, String rel) {
        try {
            Files.deleteIfExists(dest);
            int rc;
            try (Connection c = Sqlite.openLive(source)) {
                rc = ((SQLiteConnection) c).getDatabase()
                        .backup("main", dest.toString(), null, BUSY_SLEEP_MS, BUSY_RETRIES, -1);
            }
            if (rc == SQLITE_FULL) {
                throw new OwuiException("no space left writing the copy of " + rel + " to " + dest,
                        "free space at the target, prune old backups or choose another owui.target; earlier backups are untouched");
            }
            if (rc != SQLITE_OK) {
                throw new OwuiException("SQLite's backup of " + rel + " failed (SQLite result code " + rc + ")",
                        rc == 5 || rc == 6
                                ? "the database stayed locked by a writer for 10 s; retry, or use a cold backup"
                                : "check the database with `sqlite3 " + source + " 'PRAGMA integrity_check'`");
            }
        } catch (SQLException e) {
            deleteQuietly(dest);
            if (String.valueOf(e.getMessage()).contains("SQLITE_FULL")) {
                throw new OwuiException("no space left writing the copy of " + rel + " to " + dest,
                        "free space at the target, prune old backups or choose another owui.target; earlier backups are untouched", e);
            }
            throw new OwuiException("cannot capture " + rel + " with SQLite's backup API: " + e.getMessage(),
                    "check that " + source + " is a readable, undamaged SQLite database", e);
        } catch (IOException e) {
            deleteQuietly(dest);
            throw new OwuiException("cannot write the copy of " + rel + " to " + dest + ": " + e.getMessage(),
                    "check the target's free space and permissions", e);
        } catch (RuntimeException e) {
            deleteQuietly(dest);
            throw e;
        }
    }

    /**
     * Checks a captured copy with {@code PRAGMA quick_check}: a damaged live database fails the
     * backup rather than producing a backup that cannot be restored. The copy is removed on failure.
     */
    public static void check(Path copy, Path source, String rel) {
        List<String> problems = quickCheck(copy);
        if (!problems.isEmpty()) {
            deleteQuietly(copy);
            throw new OwuiException(rel + " fails SQLite's quick_check: " + String.join("; ", problems),
                    "the live database " + source + " is damaged: stop Open WebUI, keep a copy of the data directory, then restore the newest good backup or try `sqlite3 " + rel + " .recover`");
        }
    }

    /**
     * Runs {@code PRAGMA quick_check} on a database nobody writes; returns its complaints (empty
     * when "ok"). Since SQLite 3.44 a whole-database check also cross-checks full-text indexes
     * through their xIntegrity method, which takes seconds on Chroma's FTS5 trigram index (2.4 s
     * against 0.1 s for everything else on a 250 MB chroma.sqlite3). A database with virtual
     * tables is therefore checked table by table: every ordinary table and index, including the
     * b-trees that hold the full-text index, is still verified page by page.
     */
    public static List<String> quickCheck(Path db) {
        try (Connection c = Sqlite.openFrozen(db); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            boolean virtual = false;
            try (ResultSet r = s.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'table'")) {
                while (r.next()) {
                    String sql = r.getString(2);
                    if (sql != null && sql.regionMatches(true, 0, "CREATE VIRTUAL TABLE", 0, 20)) {
                        virtual = true;
                    } else {
                        tables.add(r.getString(1));
                    }
                }
            }
            if (!virtual) {
                return complaints(s, "PRAGMA quick_check(20)");
            }
            List<String> out = new ArrayList<>();
            for (String t : tables) {
                out.addAll(complaints(s, "PRAGMA quick_check(\"" + t.replace("\"", "\"\"") + "\")"));
            }
            return out;
        } catch (SQLException e) {
            return List.of(String.valueOf(e.getMessage())); // too damaged to even read the schema
        }
    }

    /** Runs {@code PRAGMA integrity_check}, virtual tables included; returns its complaints (empty when "ok"). */
    public static List<String> integrityCheck(Path db) throws SQLException {
        try (Connection c = Sqlite.openFrozen(db); Statement s = c.createStatement()) {
            return complaints(s, "PRAGMA integrity_check(20)");
        }
    }

    private static List<String> complaints(Statement s, String pragma) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery(pragma)) {
            while (r.next()) {
                String line = r.getString(1);
                if (!"ok".equalsIgnoreCase(line)) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the partial tree is removed as a whole when the backup aborts
        }
    }
}
