package dev.owui.backup.quiesce;

import dev.owui.backup.OwuiException;

/**
 * A stop command that failed (the capture did not run), or a capture that failed; either way the
 * start command has run, and its outcome is here so the caller can say whether the instance is up.
 */
public final class QuiesceException extends OwuiException {
    private final CommandOutcome stop;
    private final CommandOutcome start;

    QuiesceException(String problem, String remedy, CommandOutcome stop, CommandOutcome start, Throwable cause) {
        super(problem, remedy, cause);
        this.stop = stop;
        this.start = start;
    }

    public CommandOutcome stop() {
        return stop;
    }

    public CommandOutcome start() {
        return start;
    }
}
