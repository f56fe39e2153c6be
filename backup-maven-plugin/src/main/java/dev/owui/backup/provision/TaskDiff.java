package dev.owui.backup.provision;

/**
 * A task's diff as data, like Ansible's {@code diff: {before, after}}: the content on the host and
 * the content it gets (null: no such file). A secret (the pushed settings.xml) is withheld: then
 * before and after only say whether the file is there ("" for there, null for not), never what is in it.
 *
 * @param label names the content in the unified diff's header (a path, "crontab of backup", "settings.xml")
 */
public record TaskDiff(String label, String before, String after, boolean withheld) {

    static TaskDiff of(String label, String before, String after) {
        return new TaskDiff(label, before, after, false);
    }

    static TaskDiff withheld(String label, boolean before, boolean after) {
        return new TaskDiff(label, before ? "" : null, after ? "" : null, true);
    }

    /** The unified diff, secret values in environment lines redacted ({@link Diffs}); null when withheld. */
    public String unified() {
        return withheld ? null : Diffs.unified(label, before, after);
    }

    /** Never the content: a crontab's context lines may hold secrets that only {@link #unified} redacts. */
    @Override
    public String toString() {
        return "TaskDiff[" + label + (withheld ? ", withheld" : "") + ", before " + (before == null ? "absent" : before.length() + " chars")
                + ", after " + (after == null ? "absent" : after.length() + " chars") + "]";
    }
}
