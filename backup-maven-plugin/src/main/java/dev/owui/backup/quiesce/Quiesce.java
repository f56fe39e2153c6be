package dev.owui.backup.quiesce;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The pair of commands that takes an instance out of service for a capture and back.
 *
 * @param what    "cold" or "paused", for messages
 * @param stop    stops (cold) or freezes (paused) the instance
 * @param start   starts or unfreezes it; run whatever happens after {@code stop} began
 * @param timeout for each command; past it the command is killed and counts as failed
 * @param workDir where the commands run (the Compose project's directory), or null
 */
public record Quiesce(String what, Command stop, Command start, Duration timeout, Path workDir) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    public Quiesce {
        if (stop == null || start == null) {
            throw new IllegalArgumentException("a quiesce needs a stop and a start command");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            timeout = DEFAULT_TIMEOUT;
        }
    }

    /** {@code docker compose -f <file> stop <service>} / {@code start}: Open WebUI restarts (seconds to a minute). */
    public static Quiesce cold(Path composeFile, String service) {
        return new Quiesce("cold",
                Command.of("docker", "compose", "-f", composeFile.toString(), "stop", service),
                Command.of("docker", "compose", "-f", composeFile.toString(), "start", service),
                DEFAULT_TIMEOUT, null);
    }

    /** {@code docker pause <container>} / {@code unpause}: the processes freeze for the capture, no restart. */
    public static Quiesce paused(String container) {
        return new Quiesce("paused", Command.of("docker", "pause", container), Command.of("docker", "unpause", container),
                DEFAULT_TIMEOUT, null);
    }

    public Quiesce withCommands(Command stopCommand, Command startCommand) {
        return new Quiesce(what, stopCommand == null ? stop : stopCommand, startCommand == null ? start : startCommand, timeout, workDir);
    }

    public Quiesce withTimeout(Duration t) {
        return new Quiesce(what, stop, start, t, workDir);
    }

    public Quiesce in(Path dir) {
        return new Quiesce(what, stop, start, timeout, dir);
    }
}
