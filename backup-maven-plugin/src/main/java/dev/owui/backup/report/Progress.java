package dev.owui.backup.report;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of long work in bytes, logged at most every few seconds so a cron log stays short
 * while an operator watching a large first backup still sees it move.
 */
public final class Progress {
    private static final long INTERVAL_NANOS = 5_000_000_000L;

    private final EngineLog log;
    private final String what;
    private final long totalBytes;
    private final long started = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime());

    public Progress(EngineLog log, String what, long totalBytes) {
        this.log = log;
        this.what = what;
        this.totalBytes = totalBytes;
    }

    public void advance(long bytes) {
        long d = done.addAndGet(bytes);
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            int pct = totalBytes > 0 ? (int) Math.min(100, d * 100 / totalBytes) : 100;
            log.info(String.format("%s: %s of %s (%d%%) at %s", what, Sizes.bytes(d), Sizes.bytes(totalBytes), pct,
                    Sizes.rate(d, now - started)));
        }
    }
}
