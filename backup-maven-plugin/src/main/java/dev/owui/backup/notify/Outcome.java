package dev.owui.backup.notify;

/**
 * How one notifier fared.
 *
 * @param notifier its name
 * @param state    sent, skipped (its {@code when} did not match) or failed
 * @param error    why it failed, one line, or null
 */
public record Outcome(String notifier, State state, String error) {
    public enum State { SENT, SKIPPED, FAILED }

    public boolean failed() {
        return state == State.FAILED;
    }
}
