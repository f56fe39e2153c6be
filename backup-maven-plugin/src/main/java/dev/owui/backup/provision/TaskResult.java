package dev.owui.backup.provision;

import java.util.List;

/**
 * One step on a host as data, the way an Ansible module returns its result: what it brings
 * about, whether it changed something, and the diff that shows how. The renderer turns it into
 * the console line and the report entry once; nothing here is formatted for a reader.
 *
 * @param name   what the task brings about (a file's path, "crontab block 'owui backup daily'",
 *               "systemd daemon-reload"); for {@link Status#KEPT} the paths kept, comma-separated;
 *               null for {@link Status#SKIPPED}
 * @param status ok or changed (a task), skipped (the host had nothing to do) or kept (files
 *               left on purpose when removing)
 * @param diff   before and after, when owui.diff asked for it and the task changed something; else null
 * @param reason why the host was skipped or the files kept; null for a task
 */
public record TaskResult(String name, Status status, TaskDiff diff, String reason) {

    public enum Status {
        OK, CHANGED, SKIPPED, KEPT
    }

    static TaskResult task(String name, boolean changed, TaskDiff diff) {
        return new TaskResult(name, changed ? Status.CHANGED : Status.OK, diff, null);
    }

    static TaskResult skipped(String reason) {
        return new TaskResult(null, Status.SKIPPED, null, reason);
    }

    static TaskResult kept(List<String> paths, String reason) {
        return new TaskResult(String.join(", ", paths), Status.KEPT, null, reason);
    }

    /** A task that ran (ok or changed), as Ansible's ok= counts; skips and kept notes are not tasks. */
    public boolean ran() {
        return status == Status.OK || status == Status.CHANGED;
    }

    public boolean changed() {
        return status == Status.CHANGED;
    }
}
