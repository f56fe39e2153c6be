package dev.owui.backup.instance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Recognises SQLite database files and the side files SQLite keeps beside them. */
public final class SqliteFiles {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    /** Side files that belong to a database and are captured through it, never copied alone. */
    public static final List<String> SIDE_SUFFIXES = List.of("-wal", "-shm", "-journal");

    private SqliteFiles() {
    }

    /** True when the file starts with SQLite's 16-byte header string. */
    public static boolean hasSqliteHeader(Path file) {
        byte[] head = new byte[MAGIC.length];
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(head, 0, head.length) == head.length && Arrays.equals(head, MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True when the header says WAL mode (file format versions at offsets 18 and 19 are 2): such a
     * database may hold commits in its -wal that are not yet in the file.
     */
    public static boolean isWalMode(Path db) {
        byte[] head = new byte[20];
        try (InputStream in = Files.newInputStream(db)) {
            return in.readNBytes(head, 0, head.length) == head.length && head[18] == 2 && head[19] == 2;
        } catch (IOException e) {
            return false;
        }
    }

    /** The database a side file belongs to, or null when the name has no side-file suffix. */
    public static String databaseOfSideFile(String rel) {
        for (String s : SIDE_SUFFIXES) {
            if (rel.endsWith(s) && rel.length() > s.length()) {
                return rel.substring(0, rel.length() - s.length());
            }
        }
        return null;
    }
}
