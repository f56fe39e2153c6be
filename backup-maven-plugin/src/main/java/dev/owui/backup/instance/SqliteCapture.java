package dev.owui.backup.instance;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConnection;

/**
 * Captures an SQLite database of the data directory without changing a byte of it.
 *
 * <p>While another process holds the database (a running instance; seen in the kernel's lock
 * table, {@link SqliteLocks}), it is captured with SQLite's online backup API through a read-only
 * connection, in one step ({@code pagesPerStep = -1}): a step-wise backup restarts whenever
 * another connection writes, so it may never finish while Open WebUI is busy; one step holds a
 * read transaction for the whole copy, which in WAL mode does not block writers and sees every
 * commit, including those that live only in the -wal file. Read-only, because a read-write
 * connection that closes last checkpoints the -wal into the file and deletes it.
 *
 * <p>When nobody holds a WAL database (a stopped or killed instance), even a read-only
 * connection would change the directory: measured with sqlite-jdbc 3.53, it rewrites -shm, and
 * creates -wal and -shm where there were none and leaves them ({@code readonly_shm=1} avoids
 * that only when -shm exists: without it the connection cannot open, or reads the database
 * without its -wal). So the database and its -wal are copied to a private place beside the
 * destination and SQLite recovers the copy there; the copy counts only if neither file changed
 * and no process took the database while it was copied, else the live path is taken.
 * A rollback-journal database (Chroma's) is read through the read-only connection, which changes
 * nothing; a hot journal left by a writer that died mid-transaction, which a read-only connection
 * may not roll back, is copied with the database and rolled back in the copy.
 *
 * <p>The copy is checked with {@code PRAGMA quick_check} before the caller keeps it.
 */
public final class SqliteCapture {
    private static final int SQLITE_OK = 0;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_FULL = 13;
    private static final int BUSY_SLEEP_MS = 100;
    private static final int BUSY_RETRIES = 100; // 10 s of a writer holding a rollback-journal lock
    private static final int COPY_ATTEMPTS = 3;
    /** Up to this much of a copy is mapped while it is checked (SQLite caps it at its build's limit, 2 GB). */
    private static final long CHECK_MMAP_BYTES = 1L << 31;
    /** Copied with the database; -shm is only an index of the -wal, rebuilt when the copy opens. */
    private static final List<String> COPIED_SIDE_FILES = List.of("-wal", "-journal");

    private SqliteCapture() {
    }

    /**
     * Copies {@code source} into {@code dest}. Check the copy with {@link #check} before keeping
     * it. On any failure {@code dest} is removed and an {@link OwuiException} names the database.
     */
    public static void capture(Path source, Path dest, String rel) {
        try {
            Files.deleteIfExists(dest);
            if (SqliteFiles.isWalMode(source) && Boolean.FALSE.equals(SqliteLocks.held(source)) && copyWhileUnused(source, dest)) {
                recoverCopy(dest, source, rel);
                return;
            }
            int rc;
            try (Connection c = Sqlite.openLive(source)) {
                rc = ((SQLiteConnection) c).getDatabase()
                        .backup("main", dest.toString(), null, BUSY_SLEEP_MS, BUSY_RETRIES, -1);
            }
            if (rc == SQLITE_READONLY) {
                if (!copyWhileUnused(source, dest)) {
                    throw new OwuiException("a read-only connection cannot read " + rel + " (SQLite result 8: a hot journal left by an"
                            + " interrupted write, or a -shm this user may not write), and its files kept changing while they were copied",
                            "retry the backup, or use a cold backup (owui.mode=cold) so the database is copied while Open WebUI is stopped");
                }
                recoverCopy(dest, source, rel);
                return;
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
            deleteCopy(dest);
            if (String.valueOf(e.getMessage()).contains("SQLITE_FULL")) {
                throw new OwuiException("no space left writing the copy of " + rel + " to " + dest,
                        "free space at the target, prune old backups or choose another owui.target; earlier backups are untouched", e);
            }
            throw new OwuiException("cannot capture " + rel + " with SQLite's backup API: " + e.getMessage(),
                    "check that " + source + " is a readable, undamaged SQLite database", e);
        } catch (IOException e) {
            deleteCopy(dest);
            String reason = String.valueOf(e.getMessage());
            if (reason.contains("No space left") || reason.contains("Disk quota exceeded")) {
                throw new OwuiException("no space left writing the copy of " + rel + " to " + dest,
                        "free space at the target, prune old backups or choose another owui.target; earlier backups are untouched", e);
            }
            throw new OwuiException("cannot write the copy of " + rel + " to " + dest + ": " + reason,
                    "check the target's free space and permissions", e);
        } catch (RuntimeException e) {
            deleteCopy(dest);
            throw e;
        }
    }

    /**
     * Copies the database and its -wal (or -journal) beside {@code dest}; true when the copy is a
     * consistent state: no file changed (size, mtime, inode) while it was copied and no process
     * took the database meanwhile. A database at rest is consistent as a set of files, like after
     * a power cut.
     */
    private static boolean copyWhileUnused(Path source, Path dest) throws IOException {
        for (int attempt = 1; attempt <= COPY_ATTEMPTS; attempt++) {
            List<Object> before = stats(source);
            Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
            for (String side : COPIED_SIDE_FILES) {
                Path d = sibling(dest, side);
                try {
                    Files.copy(sibling(source, side), d, StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException absent) {
                    Files.deleteIfExists(d);
                }
            }
            if (before.equals(stats(source)) && !Boolean.TRUE.equals(SqliteLocks.held(source))) {
                return true;
            }
            try {
                Thread.sleep(100L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        deleteCopy(dest);
        return false;
    }

    private static List<Object> stats(Path db) throws IOException {
        List<Object> out = new ArrayList<>();
        for (String suffix : List.of("", "-wal", "-journal")) {
            try {
                BasicFileAttributes a = Files.readAttributes(sibling(db, suffix), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.add(List.of(a.size(), a.lastModifiedTime(), String.valueOf(a.fileKey())));
            } catch (NoSuchFileException absent) {
                out.add("absent");
            }
        }
        return out;
    }

    /**
     * Opens the private copy once, so SQLite itself folds the -wal in (or rolls a hot journal
     * back), and removes the side files: the stored database is self-contained.
     */
    private static void recoverCopy(Path dest, Path source, String rel) {
        try (Connection c = Sqlite.openCopy(dest); Statement s = c.createStatement()) {
            s.execute("SELECT count(*) FROM sqlite_master");
            boolean wal;
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
                wal = r.next() && "wal".equalsIgnoreCase(r.getString(1));
            }
            if (wal) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        } catch (SQLException e) {
            boolean full = outOfSpace(e, dest);
            deleteCopy(dest);
            if (full) {
                throw new OwuiException("no space left recovering the copy of " + rel + " in " + dest.getParent() + " (" + e.getMessage() + ")",
                        "free space at the target, prune old backups or choose another owui.target; earlier backups are untouched", e);
            }
            throw new OwuiException("the copy of " + rel + " (with its -wal) cannot be opened: " + e.getMessage(),
                    "check the database with `sqlite3 " + source + " 'PRAGMA integrity_check'` while Open WebUI is stopped", e);
        }
        for (String side : List.of("-wal", "-shm", "-journal")) {
            try {
                Files.deleteIfExists(sibling(dest, side));
            } catch (IOException ignored) {
                // an empty side file beside a staged copy is harmless: it is never stored
            }
        }
    }

    /**
     * Recovering a copy needs room for its -shm (32 KiB) and the checkpointed pages; on a full
     * disk SQLite reports that as SQLITE_FULL, or as an I/O error while sizing the -shm.
     */
    private static boolean outOfSpace(SQLException e, Path dest) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("SQLITE_FULL") || m.contains("SHMSIZE")) {
            return true;
        }
        try {
            return m.contains("SQLITE_IOERR") && Files.getFileStore(dest.getParent()).getUsableSpace() < 1 << 20;
        } catch (IOException ignored) {
            return false;
        }
    }

    private static Path sibling(Path db, String suffix) {
        return suffix.isEmpty() ? db : db.resolveSibling(db.getFileName() + suffix);
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
            // Read through a memory map rather than a pread() and a copy per page: about half the
            // check's time on a 250 MB chroma.sqlite3. Safe here, unlike on a live database that
            // another process may truncate: nobody writes this file.
            s.execute("PRAGMA mmap_size = " + CHECK_MMAP_BYTES);
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

    private static void deleteCopy(Path dest) {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            deleteQuietly(sibling(dest, suffix));
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the partial tree is removed as a whole when the backup aborts
        }
    }
}
