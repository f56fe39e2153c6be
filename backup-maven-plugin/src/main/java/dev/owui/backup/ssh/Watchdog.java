package dev.owui.backup.ssh;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends a session whose transfers stop moving. JSch's SFTP reads can block forever on a
 * half-dead connection without honouring the socket timeout (mwiede/jsch #788, #836), which
 * would hang a cron job for good. Every remote call runs as an {@link Activity} that reports
 * progress; when one makes none for the stall timeout, the watchdog records why and runs its
 * action (disconnecting the session), which makes the blocked call fail.
 */
public final class Watchdog implements AutoCloseable {
    /** One daemon thread checks every session of the JVM; a check is a few comparisons. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Duration stall;
    private final Runnable onStall;
    private final Set<Activity> active = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> task;
    private volatile String stalled;

    public Watchdog(Duration stall, Runnable onStall) {
        this.stall = stall;
        this.onStall = onStall;
        long period = Math.max(50, Math.min(1000, stall.toMillis() / 4));
        this.task = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "owui-ssh-watchdog");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** Starts watching one remote call or transfer; close it when done. */
    public Activity start(String what) {
        Activity a = new Activity(what);
        active.add(a);
        return a;
    }

    /** Why the watchdog ended the session ("no progress for 120 s while …"), or null. */
    public String stalled() {
        return stalled;
    }

    public Duration stallTimeout() {
        return stall;
    }

    private void check() {
        if (stalled != null) {
            return;
        }
        long now = System.nanoTime();
        for (Activity a : active) {
            long idle = now - a.lastProgress;
            if (idle > stall.toNanos()) {
                stalled = "no progress for " + Math.round(idle / 1e9) + " s while " + a.what;
                try {
                    onStall.run();
                } catch (RuntimeException ignored) {
                    // disconnecting a broken session may itself fail; the stall is recorded either way
                }
                return;
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
        active.clear();
    }

    /** A remote call in flight. {@link #progress()} whenever bytes move. */
    public final class Activity implements AutoCloseable {
        private final String what;
        private volatile long lastProgress = System.nanoTime();

        private Activity(String what) {
            this.what = what;
        }

        public void progress() {
            lastProgress = System.nanoTime();
        }

        @Override
        public void close() {
            active.remove(this);
        }
    }
}
