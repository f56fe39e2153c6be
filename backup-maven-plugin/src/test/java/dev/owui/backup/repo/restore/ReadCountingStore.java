package dev.owui.backup.repo.restore;

import dev.owui.backup.repo.store.HardLinks;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.StoreStat;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A real store seen through counters of the requests a reader makes: listings, stats, reads. */
final class ReadCountingStore implements ObjectStore {
    final ObjectStore store;
    final List<String> listings = new CopyOnWriteArrayList<>();
    final AtomicInteger stats = new AtomicInteger();
    final List<String> reads = new CopyOnWriteArrayList<>();
    /** Reads of keys that {@link #slow} picks wait this long first (to see whether reads overlap). */
    volatile long readDelayMillis;
    volatile java.util.function.Predicate<String> slow = k -> true;
    /** The most reads of slow keys in their wait at one moment. */
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    ReadCountingStore(ObjectStore store) {
        this.store = store;
    }

    void reset() {
        listings.clear();
        stats.set(0);
        reads.clear();
    }

    @Override
    public String location() {
        return store.location();
    }

    @Override
    public void list(String prefix, Consumer<StoreStat> each) {
        listings.add(prefix);
        store.list(prefix, each);
    }

    @Override
    public Optional<StoreStat> stat(String key) {
        stats.incrementAndGet();
        return store.stat(key);
    }

    @Override
    public InputStream read(String key) {
        reads.add(key);
        if (readDelayMillis > 0 && slow.test(key)) {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(readDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        }
        return store.read(key);
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        reads.add(key);
        return store.read(key, offset, length);
    }

    @Override
    public boolean writeIfAbsent(String key, Path file) {
        return store.writeIfAbsent(key, file);
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] bytes) {
        return store.writeIfAbsent(key, bytes);
    }

    @Override
    public boolean existenceCheckIsCheap() {
        return store.existenceCheckIsCheap();
    }

    @Override
    public void delete(String key) {
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
