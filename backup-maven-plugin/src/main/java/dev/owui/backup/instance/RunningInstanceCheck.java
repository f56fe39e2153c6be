package dev.owui.backup.instance;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Tells whether something is using a data directory, so restore never writes under a running
 * Open WebUI. Two independent signs, either one enough:
 * <ul>
 * <li>a process with a file open under the directory ({@code /proc/<pid>/fd}; as root this sees
 * containers' processes too);</li>
 * <li>a live SQLite connection to webui.db in WAL mode: every connection holds a shared POSIX lock
 * on the "DMS" byte (offset 128) of {@code webui.db-shm}, which our exclusive probe then cannot get.
 * This works where /proc of other users is hidden.</li>
 * </ul>
 */
public final class RunningInstanceCheck {
    private static final long SHM_DMS_OFFSET = 128;

    private RunningInstanceCheck() {
    }

    /** A description of who uses the directory, or empty when nothing does. */
    public static Optional<String> whoUses(Path dataDir) {
        // /proc/<pid>/fd links show real paths: a data directory given as a symlink (to a Docker
        // volume's _data) is compared by what it points at.
        Path dir = DataDirectory.realPathOf(dataDir);
        Optional<String> p = processWithOpenFile(dir);
        return p.isPresent() ? p : liveSqliteConnection(dir.resolve(DataDirectory.MAIN_DB + "-shm"));
    }

    static Optional<String> processWithOpenFile(Path dir) {
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return Optional.empty();
        }
        long self = ProcessHandle.current().pid();
        try (Stream<Path> pids = Files.list(proc)) {
            for (Path pidDir : (Iterable<Path>) pids::iterator) {
                String name = pidDir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
                    continue;
                }
                Optional<Path> open = openFileUnder(pidDir.resolve("fd"), dir);
                if (open.isPresent()) {
                    String cmd = ProcessHandle.of(Long.parseLong(name)).flatMap(h -> h.info().command()).orElse("?");
                    return Optional.of("process " + name + " (" + cmd + ") has " + open.get() + " open");
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Path> openFileUnder(Path fdDir, Path dir) {
        try (Stream<Path> fds = Files.list(fdDir)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir)) {
                        return Optional.of(target);
                    }
                } catch (IOException | UnsupportedOperationException ignored) {
                    // the descriptor closed while we looked
                }
            }
        } catch (IOException e) {
            // not ours to see (another user's process) or already gone
        }
        return Optional.empty();
    }

    static Optional<String> liveSqliteConnection(Path shm) {
        if (!Files.isRegularFile(shm)) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(shm, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            try (FileLock lock = ch.tryLock(SHM_DMS_OFFSET, 1, false)) {
                return lock == null ? Optional.of("a program holds an SQLite connection to webui.db (" + shm + " is locked)") : Optional.empty();
            }
        } catch (OverlappingFileLockException e) {
            return Optional.of("this JVM holds an SQLite connection to webui.db");
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
