package dev.owui.backup.store;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A lock file created with O_EXCL, which NFS (v3+) and SMB honour, unlike fcntl/flock locks that
 * some NAS mounts ignore. It records who holds it; a lock whose holder died on this host is
 * cleared and reported, any other is reported with the command to clear it and never broken.
 */
final class LocalLock implements TargetLock {
    private static final String TOOL = "owui-backup";

    private final Path file;
    private final String clearedStale;

    private LocalLock(Path file, String clearedStale) {
        this.file = file;
        this.clearedStale = clearedStale;
    }

    static LocalLock acquire(Path file) {
        String cleared = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                try (var out = java.nio.channels.Channels.newOutputStream(PrivateFiles.openChannel(file, StandardOpenOption.CREATE_NEW))) {
                    out.write(LockInfo.current(TOOL).toJson());
                }
                return new LocalLock(file, cleared);
            } catch (FileAlreadyExistsException held) {
                LockInfo holder = readHolder(file);
                if (holder == null) {
                    continue; // released between our two calls: try again
                }
                if (!holder.provablyDead()) {
                    throw new OwuiException("another owui run holds the lock " + file + " (" + holder.describe() + ")",
                            "wait for it to finish; if no such run exists any more, remove the lock with `rm '" + file + "'`");
                }
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw OwuiIo.targetFailure(file.getParent().toString(), file, e);
                }
                cleared = "cleared the stale lock of a run that is gone (" + holder.describe() + ")";
            } catch (IOException e) {
                throw OwuiIo.targetFailure(file.getParent().toString(), file, e);
            }
        }
        throw new OwuiException("cannot take the lock " + file + ": it keeps changing hands", "retry in a moment");
    }

    /** The holder, or null if the file vanished. A file we cannot parse is reported, not broken. */
    private static LockInfo readHolder(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new OwuiException("cannot read the lock " + file + ": " + e.getMessage(), "check the target's permissions", e);
        }
        return LockInfo.parse(content).orElseThrow(() -> new OwuiException(
                "the lock " + file + " exists but is not readable as an owui lock",
                "if no owui run is active on any host, remove it with `rm '" + file + "'`"));
    }

    @Override
    public String clearedStale() {
        return clearedStale;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a lock we cannot remove is reported by the next run with the command to clear it
        }
    }
}
