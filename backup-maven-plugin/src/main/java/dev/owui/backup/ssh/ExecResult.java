package dev.owui.backup.ssh;

/** What a remote command did: its exit code (-1 when the server sent none) and its output. */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** stderr, else stdout, trimmed to one readable line for messages. */
    public String firstErrorLine() {
        String text = !stderr.isBlank() ? stderr : stdout;
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
