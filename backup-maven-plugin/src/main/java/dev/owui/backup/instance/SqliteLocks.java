package dev.owui.backup.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether any process holds an SQLite database open, read from the kernel's lock table
 * ({@code /proc/locks}) without opening or locking anything.
 *
 * <p>An open connection to a WAL database always holds two POSIX locks: a shared lock on the
 * database file (the SHARED range at 1 GiB + 2) and one on the "DMS" byte of {@code -shm}. A
 * connection in rollback-journal mode holds locks only inside a transaction. Taking a lock
 * ourselves to probe would be no better: POSIX locks belong to the process, and closing our probe
 * would drop the locks of any SQLite connection in this JVM. Locks are matched by inode number
 * alone: on btrfs and overlay mounts the device numbers in {@code /proc/locks} and {@code stat}
 * differ, and a false "held" (another file with the same inode number elsewhere) only makes the
 * capture take the live path, which is safe.
 */
final class SqliteLocks {
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private SqliteLocks() {
    }

    /** TRUE when some process holds a lock on {@code db} or its -shm, FALSE when none does, null when this cannot be told. */
    static Boolean held(Path db) {
        Set<Long> inodes = new HashSet<>();
        for (Path p : List.of(db, db.resolveSibling(db.getFileName() + "-shm"))) {
            try {
                inodes.add(((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue());
            } catch (NoSuchFileException absent) {
                // no -shm: no WAL connection is open
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return null;
            }
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(PROC_LOCKS);
        } catch (IOException | SecurityException e) {
            return null; // not Linux, or /proc not mounted
        }
        for (String line : lines) {
            // "1: POSIX  ADVISORY  READ 7125 fe:00:2147885 128 128" (waiters: "1: -> POSIX ...")
            for (String token : line.trim().split("\\s+")) {
                int last = token.lastIndexOf(':');
                if (last > 0 && token.indexOf(':') < last && token.substring(last + 1).chars().allMatch(Character::isDigit)
                        && last + 1 < token.length()) {
                    try {
                        if (inodes.contains(Long.parseUnsignedLong(token.substring(last + 1)))) {
                            return Boolean.TRUE;
                        }
                    } catch (NumberFormatException ignored) {
                        // not an inode number after all
                    }
                    break;
                }
            }
        }
        return Boolean.FALSE;
    }
}
