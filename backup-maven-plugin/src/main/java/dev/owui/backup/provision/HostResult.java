package dev.owui.backup.provision;

import java.util.List;

/**
 * What happened on one host, as data: the facts learned (null when the host was not reached or
 * had nothing to do), every task in the order it ran, and whether the host was unreachable or
 * failed (then {@code error} says why). The first failure ends a host, so it is the host's, not a task's.
 */
public record HostResult(String host, HostFacts facts, List<TaskResult> tasks, boolean unreachable, boolean failed, String error) {
    public HostResult {
        tasks = List.copyOf(tasks);
    }

    /** Tasks that ran, changed ones included: Ansible's ok=. */
    public int ok() {
        return (int) tasks.stream().filter(TaskResult::ran).count();
    }

    /** Tasks that changed something (or, in check mode, would have): Ansible's changed=. */
    public int changed() {
        return (int) tasks.stream().filter(TaskResult::changed).count();
    }
}
