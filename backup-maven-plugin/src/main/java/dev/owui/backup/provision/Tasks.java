package dev.owui.backup.provision;

import java.util.ArrayList;
import java.util.List;

/** The task results of one host, in the order they ran; one host's run adds to it from one thread. */
final class Tasks {
    private final List<TaskResult> list = new ArrayList<>();

    void task(String name, boolean changed, TaskDiff diff) {
        list.add(TaskResult.task(name, changed, diff));
    }

    void skipped(String reason) {
        list.add(TaskResult.skipped(reason));
    }

    void kept(List<String> paths, String reason) {
        list.add(TaskResult.kept(paths, reason));
    }

    List<TaskResult> list() {
        return List.copyOf(list);
    }
}
