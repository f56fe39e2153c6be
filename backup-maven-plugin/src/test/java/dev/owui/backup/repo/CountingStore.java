package dev.owui.backup.repo;

import dev.owui.backup.repo.store.HardLinks;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.StoreStat;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real store seen through a counter: how many objects each folder received (writes that
 * stored something), how many writes were asked for at all, and, to simulate a process killed
 * in the middle of a prune, a failure after a number of deletes or at a listing.
 */
final class CountingStore implements ObjectStore {
    final ObjectStore store;
    final Map<String, AtomicInteger> stored = new ConcurrentHashMap<>();
    final AtomicInteger writeCalls = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    /** Deletes of objects/ allowed before the next one throws; negative: no limit. */
    volatile int objectDeletesLeft = -1;
    /** When set, a listing of a key starting with it throws. */
    volatile String failListing;

    CountingStore(ObjectStore store) {
        this.store = store;
    }

    /** Objects stored under {@code folder} ("objects", "backups", "locks"), wherever the repository's prefix. */
    int stored(String folder) {
        AtomicInteger n = stored.get(folder);
        return n == null ? 0 : n.get();
    }

    void reset() {
        stored.clear();
        writeCalls.set(0);
        deletes.set(0);
    }

    private void count(String key, boolean wrote) {
        writeCalls.incrementAndGet();
        if (wrote) {
            String folder = key.contains("objects/") ? "objects" : key.contains("backups/") ? "backups" : key.contains("locks/") ? "locks" : "other";
            stored.computeIfAbsent(folder, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Override
    public String location() {
        return store.location();
    }

    @Override
    public void list(String prefix, Consumer<StoreStat> each) {
        String f = failListing;
        if (f != null && prefix.startsWith(f)) {
            throw new IllegalStateException("simulated crash: listing " + prefix);
        }
        store.list(prefix, each);
    }

    @Override
    public Optional<StoreStat> stat(String key) {
        return store.stat(key);
    }

    @Override
    public InputStream read(String key) {
        return store.read(key);
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        return store.read(key, offset, length);
    }

    @Override
    public boolean writeIfAbsent(String key, Path file) {
        boolean w = store.writeIfAbsent(key, file);
        count(key, w);
        return w;
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] bytes) {
        boolean w = store.writeIfAbsent(key, bytes);
        count(key, w);
        return w;
    }

    @Override
    public boolean existenceCheckIsCheap() {
        return store.existenceCheckIsCheap();
    }

    @Override
    public void delete(String key) {
        if (key.contains("objects/")) {
            synchronized (this) {
                if (objectDeletesLeft == 0) {
                    throw new IllegalStateException("simulated crash: deleting " + key);
                }
                if (objectDeletesLeft > 0) {
                    objectDeletesLeft--;
                }
            }
        }
        deletes.incrementAndGet();
        store.delete(key);
    }

    @Override
    public Optional<HardLinks> hardLinks() {
        return store.hardLinks();
    }

    @Override
    public int removeStaleTemps(String prefix, Duration olderThan) {
        return store.removeStaleTemps(prefix, olderThan);
    }

    @Override
    public void close() {
        store.close();
    }
}
