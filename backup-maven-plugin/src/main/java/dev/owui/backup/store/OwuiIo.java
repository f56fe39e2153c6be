package dev.owui.backup.store;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/** Turns an I/O failure at a target into an operator's message: what failed, where, what to do. */
public final class OwuiIo {
    private OwuiIo() {
    }

    public static OwuiException targetFailure(String location, Path where, IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : String.valueOf(e.getMessage());
        if (reason.contains("No space left") || reason.contains("Disk quota exceeded")) {
            return new OwuiException("target " + location + " is full (" + reason + " writing " + where + ")",
                    "free space there, prune old backups or choose another owui.target; earlier backups are untouched", e);
        }
        if (reason.contains("Read-only file system")) {
            return new OwuiException("target " + location + " is read-only (" + where + ")",
                    "remount it read-write or choose another owui.target", e);
        }
        if (e instanceof AccessDeniedException || reason.contains("Permission denied")) {
            return new OwuiException("target " + location + " is not writable (" + where + ")",
                    "give the user running the backup write access, or choose another owui.target", e);
        }
        return new OwuiException("cannot write " + where + " at target " + location + ": " + reason,
                "check the target's filesystem; earlier backups are untouched", e);
    }
}
