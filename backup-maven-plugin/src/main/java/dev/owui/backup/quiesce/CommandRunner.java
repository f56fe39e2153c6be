package dev.owui.backup.quiesce;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a command with a time-out and keeps the tail of its output. */
public final class CommandRunner {
    /** Output kept per command: enough for docker's error message, not a log. */
    static final int TAIL_BYTES = 4096;

    private CommandRunner() {
    }

    /**
     * Runs {@code c} in {@code workDir} (null: the current directory), stdin closed, stdout and
     * stderr merged. Past {@code timeout} the command and its children are killed.
     */
    public static CommandOutcome run(Command c, Duration timeout, Path workDir) {
        long t0 = System.nanoTime();
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(c.argv()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            p = pb.start();
        } catch (IOException e) {
            return new CommandOutcome(c.describe(), -1, false, "", Duration.ofNanos(System.nanoTime() - t0), e.getMessage());
        }
        Tail tail = new Tail(p.getInputStream());
        Thread reader = new Thread(tail, "owui-command-output");
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            reader.join(2000); // a grandchild holding the pipe open must not hang us
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        return new CommandOutcome(c.describe(), finished ? p.exitValue() : -1, !finished, tail.text(), took, null);
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }

    /** Reads a stream to its end keeping the last {@link #TAIL_BYTES} bytes. */
    private static final class Tail implements Runnable {
        private final InputStream in;
        private final byte[] ring = new byte[TAIL_BYTES];
        private long total;

        Tail(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (this) {
                        for (int i = 0; i < n; i++) {
                            ring[(int) (total++ % TAIL_BYTES)] = buf[i];
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process went away; what we have is the tail
            }
        }

        synchronized String text() {
            int len = (int) Math.min(total, TAIL_BYTES);
            byte[] out = new byte[len];
            long start = total - len;
            for (int i = 0; i < len; i++) {
                out[i] = ring[(int) ((start + i) % TAIL_BYTES)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
