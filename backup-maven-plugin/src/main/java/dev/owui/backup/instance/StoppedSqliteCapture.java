package dev.owui.backup.instance;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Captures the database of a stopped (or frozen) instance as files: the database file and any
 * leftover {@code -wal} or {@code -journal} are copied side by side, not through SQLite's backup
 * API. Files of a stopped instance are consistent as a set, like after a power cut; the private
 * copy is then opened once, so SQLite itself folds the WAL in (or rolls a hot journal back) and
 * the stored database is self-contained, exactly like a hot capture ({@link SqliteCapture}). The
 * source is only read.
 */
public final class StoppedSqliteCapture {
    /** -shm is only an index of the WAL, rebuilt on open: never copied. */
    private static final List<String> SIDE_FILES = List.of("-wal", "-journal");

    private StoppedSqliteCapture() {
    }

    /** Copies {@code source} (and its side files) to {@code dest}, then recovers the copy in place. */
    public static void capture(Path source, Path dest, String rel) {
        try {
            Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
            for (String side : SIDE_FILES) {
                Path s = source.resolveSibling(source.getFileName() + side);
                Path d = dest.resolveSibling(dest.getFileName() + side);
                try {
                    Files.copy(s, d, StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException absent) {
                    Files.deleteIfExists(d);
                }
            }
        } catch (NoSuchFileException e) {
            cleanUp(dest);
            throw new OwuiException(rel + " vanished while the instance was stopped (" + e.getFile() + ")",
                    "check that the stop command stopped Open WebUI and nothing else removes files in the data directory");
        } catch (IOException e) {
            cleanUp(dest);
            throw new OwuiException("cannot copy " + rel + " to " + dest + ": " + e.getMessage(),
                    "check the data directory's permissions and the target's free space", e);
        }
        try (Connection c = Sqlite.openCopy(dest); Statement s = c.createStatement()) {
            // Reading the schema makes SQLite recover the copy: a hot journal is rolled back, the WAL is
            // checkpointed into the file. Closing the last connection removes the -wal.
            s.execute("SELECT count(*) FROM sqlite_master");
            if (walMode(s)) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        } catch (SQLException e) {
            cleanUp(dest);
            throw new OwuiException("the copy of " + rel + " taken while the instance was stopped cannot be opened: " + e.getMessage(),
                    "check the live database with `sqlite3 " + rel + " 'PRAGMA integrity_check'` while Open WebUI is stopped", e);
        }
        for (String side : List.of("-wal", "-shm", "-journal")) {
            try {
                Files.deleteIfExists(dest.resolveSibling(dest.getFileName() + side));
            } catch (IOException ignored) {
                // an empty side file beside a staged copy is harmless: it is never stored
            }
        }
    }

    private static boolean walMode(Statement s) throws SQLException {
        try (var r = s.executeQuery("PRAGMA journal_mode")) {
            return r.next() && "wal".equalsIgnoreCase(r.getString(1));
        }
    }

    private static void cleanUp(Path dest) {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            try {
                Files.deleteIfExists(dest.resolveSibling(dest.getFileName() + suffix));
            } catch (IOException ignored) {
                // the partial tree goes as a whole when the backup fails
            }
        }
    }
}
