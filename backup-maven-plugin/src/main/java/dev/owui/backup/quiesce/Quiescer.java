package dev.owui.backup.quiesce;

import dev.owui.backup.OwuiException;
import dev.owui.backup.report.EngineLog;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a capture with the instance out of service: the stop command, the capture, the start
 * command. The start command runs whatever happens once the stop command has begun: after a
 * failed stop (then the capture does not run), a failed capture, an exception, and when the JVM
 * is asked to end (Ctrl-C, SIGTERM), through a shutdown hook that is removed afterwards. It runs
 * exactly once.
 */
public final class Quiescer {
    private final EngineLog log;

    /** The capture to run while the instance is stopped. */
    @FunctionalInterface
    public interface Capture<T> {
        T run() throws Exception;
    }

    public Quiescer(EngineLog log) {
        this.log = log;
    }

    /**
     * Stop, capture, start. Returns the capture's value with the downtime and both commands'
     * outcomes; a failed start is in the result ({@link QuiescedRun#startFailed()}), logged as a
     * warning, not thrown, because the capture itself is good. Throws {@link QuiesceException}
     * when the stop command fails (no capture) or the capture fails (its exception as the cause);
     * in both cases after the start command ran.
     */
    public <T> QuiescedRun<T> run(Quiesce q, Capture<T> capture) {
        StartOnce start = new StartOnce(q);
        Thread hook = new Thread(() -> {
            if (start.run()) {
                log.warn("interrupted during a " + q.what() + " backup: ran the start command (" + start.outcome().summary() + ")");
            }
        }, "owui-quiesce-start");
        Runtime.getRuntime().addShutdownHook(hook);
        long t0 = System.nanoTime();
        try {
            log.info(q.what() + " backup: stopping the instance: " + q.stop().describe());
            CommandOutcome stop = CommandRunner.run(q.stop(), q.timeout(), q.workDir());
            if (!stop.ok()) {
                start.run();
                throw new QuiesceException("the stop command failed (" + stop.summary() + "): " + q.stop().describe()
                        + "; no backup was taken; the start command ran (" + start.outcome().summary() + ")",
                        "check the command by hand (is the compose file, service or container name right?)", stop, start.outcome(), null);
            }
            T value;
            try {
                value = capture.run();
            } catch (Exception | Error e) {
                start.run();
                String problem = e instanceof OwuiException oe ? oe.problem() : e.toString();
                QuiesceException qe = new QuiesceException(problem + " (the start command ran: " + start.outcome().summary() + ")",
                        e instanceof OwuiException oe ? oe.remedy() : null, stop, start.outcome(), e);
                if (e instanceof Error err) {
                    err.addSuppressed(qe);
                    throw err;
                }
                throw qe;
            }
            start.run();
            Duration downtime = Duration.ofNanos(System.nanoTime() - t0);
            CommandOutcome started = start.outcome();
            if (!started.ok()) {
                log.warn("the start command failed (" + started.summary() + "): " + q.start().describe()
                        + " — the backup is complete, but the instance may be down: start it by hand");
            } else {
                log.info("instance started again; downtime " + downtime.toMillis() + " ms");
            }
            return new QuiescedRun<>(value, downtime, stop, started);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: it is the one that started the instance
            }
        }
    }

    /** The start command, run once by whichever comes first: the run itself or the shutdown hook. */
    private static final class StartOnce {
        private final Quiesce q;
        private final AtomicReference<CommandOutcome> outcome = new AtomicReference<>();
        private boolean claimed;

        StartOnce(Quiesce q) {
            this.q = q;
        }

        /** Runs the start command unless it ran; waits for it if another thread is running it. Returns true if this call ran it. */
        synchronized boolean run() {
            if (claimed) {
                return false;
            }
            claimed = true;
            outcome.set(CommandRunner.run(q.start(), q.timeout(), q.workDir()));
            return true;
        }

        CommandOutcome outcome() {
            return outcome.get();
        }
    }
}
