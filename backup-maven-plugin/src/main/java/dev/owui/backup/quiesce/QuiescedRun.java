package dev.owui.backup.quiesce;

import java.time.Duration;

/**
 * The outcome of a capture between a stop and a start command that both succeeded in running
 * the capture. Check {@link #startFailed()}: the capture is good, but the instance may be down.
 *
 * @param value    what the capture returned
 * @param downtime from the moment the stop command began to the moment the start command ended
 * @param stop     how the stop command went (succeeded, or there would be no capture)
 * @param start    how the start command went
 */
public record QuiescedRun<T>(T value, Duration downtime, CommandOutcome stop, CommandOutcome start) {
    public boolean startFailed() {
        return !start.ok();
    }
}
