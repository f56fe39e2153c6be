package dev.owui.backup.provision;

/**
 * The file task kind: a file on the host brought to its rendered content, or one of ours
 * removed. Each compares first and touches the host only for a difference (and never in check mode).
 */
final class FileTasks {
    private final Remote remote;
    private final ProvisionOptions o;
    private final Tasks tasks;

    FileTasks(Remote remote, ProvisionOptions o, Tasks tasks) {
        this.remote = remote;
        this.o = o;
        this.tasks = tasks;
    }

    /** Brings one file to {@code content}; true when it differed (and, outside check mode, was written). */
    boolean file(String path, String content, String mode, boolean privileged) {
        String current = remote.read(path, privileged);
        boolean differs = !content.equals(current);
        tasks.task(path, differs, differs && o.diff() ? TaskDiff.of(path, current, content) : null);
        if (differs && !o.check()) {
            remote.write(path, content, mode, privileged);
        }
        return differs;
    }

    /** Removes one of our files; true when it was there. */
    boolean gone(String path, boolean privileged) {
        String current = remote.read(path, privileged);
        boolean there = current != null;
        tasks.task("remove " + path, there, there && o.diff() ? TaskDiff.of(path, current, null) : null);
        if (there && !o.check()) {
            remote.remove(path, privileged);
        }
        return there;
    }
}
