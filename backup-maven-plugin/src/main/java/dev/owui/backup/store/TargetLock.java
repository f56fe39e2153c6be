package dev.owui.backup.store;

/** A held lock on one instance at one target; closing releases it. */
public interface TargetLock extends AutoCloseable {
    /** What was found and cleared on taking the lock (a stale lock of a dead run), or null. */
    String clearedStale();

    @Override
    void close();
}
