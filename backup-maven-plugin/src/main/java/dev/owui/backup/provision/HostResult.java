package dev.owui.backup.provision;

import java.util.List;

/**
 * What happened on one host, Ansible's way: tasks ok (changed ones included) and changed, and
 * whether it was unreachable or failed (then {@code error} says why).
 */
public record HostResult(String host, int ok, int changed, boolean unreachable, boolean failed, String error, List<String> lines,
                         List<Task> tasks) {
    public HostResult {
        lines = List.copyOf(lines);
        tasks = List.copyOf(tasks);
    }

    public HostResult(String host, int ok, int changed, boolean unreachable, boolean failed, String error, List<String> lines) {
        this(host, ok, changed, unreachable, failed, error, lines, List.of());
    }

    /** One task that ran on the host: its name, whether it changed something, and the diff (null: none shown). */
    public record Task(String name, boolean changed, String diff) {
    }

    /** {@code web1 : ok=4 changed=2 unreachable=0 failed=0}, the name padded to {@code width}. */
    public String recapLine(int width) {
        return String.format("%-" + width + "s : ok=%d changed=%d unreachable=%d failed=%d", host, ok, changed, unreachable ? 1 : 0, failed ? 1 : 0);
    }
}
