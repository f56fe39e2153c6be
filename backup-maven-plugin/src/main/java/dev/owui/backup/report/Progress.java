package dev.owui.backup.report;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Progress of long work in bytes, counted as the bytes move (a {@link CountingInputStream} on the
 * stream that carries them) and logged at most once per interval, so a cron log stays short while
 * an operator watching a 3 GiB upload sees it move: {@code backup: 1.2 GiB of 3.4 GiB (35%),
 * 85.0 MiB/s, about 27 s left}. Lines go to {@link EngineLog#info}, so Maven's {@code -q} (log
 * level ERROR) silences them with the rest of the run's info.
 *
 * <p>Thread-safe: files are stored in parallel. The count is a {@link LongAdder}; whichever thread
 * first finds the interval elapsed writes the line (a lock tried, never waited for), so there is
 * one reporter however many threads count, and lines come out in order. Work that moves no bytes we can see (SQLite's backup API
 * copies a database in one call) is a {@link #phase}: a timer thread says it is still running.
 */
public final class Progress {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    /** One daemon thread for every phase line of the JVM: phases are few and their lines rare. */
    private static final class Timer {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "owui-progress");
            t.setDaemon(true);
            return t;
        });
    }

    private final EngineLog log;
    private final String what;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long started;
    private final LongAdder done = new LongAdder();
    /** Adjusted when a file turns out another size than scanned (or vanished), so the total stays honest. */
    private final AtomicLong total;
    /** Held by the thread writing a line, so lines come out in the order their numbers were taken. */
    private final java.util.concurrent.locks.ReentrantLock reporting = new java.util.concurrent.locks.ReentrantLock();
    private volatile long lastLogged;

    public Progress(EngineLog log, String what, long totalBytes) {
        this(log, what, totalBytes, DEFAULT_INTERVAL, System::nanoTime);
    }

    public Progress(EngineLog log, String what, long totalBytes, Duration interval) {
        this(log, what, totalBytes, interval, System::nanoTime);
    }

    /** {@code nanoClock}: {@link System#nanoTime} but in tests. */
    public Progress(EngineLog log, String what, long totalBytes, Duration interval, LongSupplier nanoClock) {
        this.log = log;
        this.what = what;
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
        this.started = nanoClock.getAsLong();
        this.total = new AtomicLong(totalBytes);
        this.lastLogged = started;
    }

    /** Counts bytes done (negative to take back a count) and logs a line if the interval has passed. */
    public void advance(long bytes) {
        if (bytes != 0) {
            done.add(bytes);
        }
        // Cheap when no line is due; a thread finding another one writing goes on copying.
        if (clock.getAsLong() - lastLogged >= intervalNanos && reporting.tryLock()) {
            try {
                long now = clock.getAsLong();
                if (now - lastLogged >= intervalNanos) {
                    lastLogged = now;
                    log.info(line(now));
                }
            } finally {
                reporting.unlock();
            }
        }
    }

    /** {@code in}, counting what is read from it as done. */
    public CountingInputStream counting(java.io.InputStream in) {
        return new CountingInputStream(in, this::advance);
    }

    /** The progress line as of {@code now}: never over 100%, never more done than the total. */
    String line(long now) {
        long t = Math.max(0, total.get());
        long d = Math.max(0, Math.min(done.sum(), t));
        int pct = t > 0 ? (int) (d * 100 / t) : 100;
        long elapsed = now - started;
        StringBuilder s = new StringBuilder(what).append(": ").append(Sizes.bytes(d)).append(" of ").append(Sizes.bytes(t))
                .append(" (").append(pct).append("%)");
        if (elapsed > 0 && d > 0) {
            double perSecond = d * 1e9 / elapsed;
            s.append(", ").append(Sizes.bytes((long) perSecond)).append("/s");
            if (d < t) {
                s.append(", about ").append(duration((long) Math.ceil((t - d) / perSecond))).append(" left");
            }
        }
        return s.toString();
    }

    /** 27 s, 3 min 5 s, 1 h 12 min: the precision an operator needs to decide whether to wait. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    /**
     * One file's share of the progress: its bytes are counted as they move through one or more
     * parts (read from the source; encoded, then uploaded) and settled when the file is stored.
     * A file read again because it changed while read takes its count back ({@link #restart}).
     */
    public Meter file(long expectedBytes) {
        return new Meter(expectedBytes);
    }

    public final class Meter {
        private final long expected;
        private final AtomicLong counted = new AtomicLong();

        private Meter(long expected) {
            this.expected = expected;
        }

        /**
         * A sink for one part of storing the file: {@code partBytes} will move in it, standing for
         * {@code share} bytes of the file (a file encoded, then uploaded, counts half in each).
         */
        public LongConsumer part(long partBytes, long share) {
            if (partBytes == share) {
                return this::count;
            }
            long[] moved = {0, 0}; // bytes moved in this part, bytes of the file credited for them
            return n -> {
                synchronized (moved) {
                    moved[0] += n;
                    long due = partBytes <= 0 ? share : (long) Math.min(share, (double) moved[0] / partBytes * share);
                    long delta = due - moved[1];
                    moved[1] = due;
                    count(delta);
                }
            };
        }

        /** The whole file moves through one part: a copy from the source to the target. */
        public LongConsumer whole() {
            return this::count;
        }

        private void count(long n) {
            counted.addAndGet(n);
            advance(n);
        }

        /** The file is read again from its start: what the first attempt counted is taken back. */
        public void restart() {
            advance(-counted.getAndSet(0));
        }

        /** The file is stored with {@code actualBytes} (0: it vanished): the count and the total become exact. */
        public void finish(long actualBytes) {
            total.addAndGet(actualBytes - expected);
            advance(actualBytes - counted.getAndSet(actualBytes));
        }
    }

    /**
     * Marks work that moves no bytes we can count, e.g. SQLite's backup API copying a database in
     * one call: while it runs, a line every interval says what and for how long ({@code capturing
     * webui.db (76.0 MiB)… 6 s}). Close it when the work ends.
     */
    public Phase phase(String description) {
        long begun = clock.getAsLong();
        ScheduledFuture<?> f = Timer.INSTANCE.scheduleAtFixedRate(
                () -> log.info(description + "… " + duration((clock.getAsLong() - begun) / 1_000_000_000L)),
                intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /** A running {@link #phase}; closing it stops its lines. */
    public interface Phase extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %d/%d", what, done.sum(), total.get());
    }
}
