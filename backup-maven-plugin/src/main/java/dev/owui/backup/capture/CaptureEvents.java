package dev.owui.backup.capture;

import dev.owui.backup.format.FileEntry;

/**
 * What a capture or a copy reports as it goes, file by file: the seam for anything that follows a
 * run while it happens (a progress display, an audit trail; tests use it to stop a server or slow
 * a run at a chosen point). Called on the worker threads: implementations must be thread-safe and
 * quick. An exception thrown here fails the run as the store's own failure would.
 */
@FunctionalInterface
public interface CaptureEvents {
    /** A file is stored at its destination (captured into a backup, or copied to a target). */
    void stored(FileEntry entry);

    /** A database's capture begins (on the capturing thread). */
    default void capturing(String rel) {
    }

    /** Observes nothing. */
    CaptureEvents NONE = e -> { };
}
