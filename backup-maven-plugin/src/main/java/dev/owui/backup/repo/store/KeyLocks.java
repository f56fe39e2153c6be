package dev.owui.backup.repo.store;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes writes of the same key within this JVM, for the write paths that are a check and
 * then a write (a server without an atomic no-replace). Between processes the repository's
 * exclusive lock does the same; here threads of one run never race each other. Striped: a fixed
 * set of locks, so no map grows with the keys written.
 */
final class KeyLocks {
    private final ReentrantLock[] stripes = new ReentrantLock[256];

    KeyLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    ReentrantLock of(String key) {
        return stripes[Math.floorMod(key.hashCode(), stripes.length)];
    }
}
