package dev.owui.backup.quiesce;

import java.time.Duration;

/**
 * How one command went.
 *
 * @param command    the command as shown to the operator
 * @param exitCode   its exit code; -1 when it could not start or was killed after its time-out
 * @param timedOut   true when it ran past its time-out and was killed
 * @param outputTail the end of its output (stdout and stderr merged), at most a few KiB
 * @param took       how long it ran
 * @param error      why it could not start, or null
 */
public record CommandOutcome(String command, int exitCode, boolean timedOut, String outputTail, Duration took, String error) {

    public boolean ok() {
        return exitCode == 0 && !timedOut && error == null;
    }

    /** One line for messages: "exit 0", "exit 3: <last line>", "timed out after 30 s", "could not start: …". */
    public String summary() {
        if (error != null) {
            return "could not start: " + error;
        }
        if (timedOut) {
            return "timed out after " + took.toSeconds() + " s and was killed";
        }
        String last = lastLine();
        return "exit " + exitCode + (exitCode != 0 && !last.isEmpty() ? ": " + last : "");
    }

    private String lastLine() {
        String t = outputTail == null ? "" : outputTail.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }
}
