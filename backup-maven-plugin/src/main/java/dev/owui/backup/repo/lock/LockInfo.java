package dev.owui.backup.repo.lock;

import java.time.Instant;

/**
 * {@code locks/<uuid>.json}: who holds a lock on the repository.
 *
 * @param host        host name of the holder
 * @param pid         process id of the holder on that host
 * @param startedAt   when the holder took the lock
 * @param refreshedAt when the holder last showed it is alive (every 5 minutes)
 * @param exclusive   true for writers that must be alone (backup, copy-into, prune)
 * @param command     what the holder runs, for the message a conflicting writer prints
 */
public record LockInfo(String host, long pid, Instant startedAt, Instant refreshedAt, boolean exclusive, String command) {
    LockInfo refreshed(Instant now) {
        return new LockInfo(host, pid, startedAt, now, exclusive, command);
    }
}
