package dev.owui.backup.store;

import java.util.List;

/**
 * What clearing the trees of interrupted runs did ({@link Target#removeIncomplete}). A tree that
 * cannot be removed now (a server that answers 500 for it, a read-only or permission-locked part)
 * stays and is reported here instead of failing the run: it never counted as a backup, so it
 * blocks nothing, and the next clean-up tries again.
 *
 * @param removed the trees removed, as the target names them
 * @param left    one warning per tree left in place, naming it and why
 */
public record Cleanup(List<String> removed, List<String> left) {
    public Cleanup {
        removed = List.copyOf(removed);
        left = List.copyOf(left);
    }

    /** The warning for a tree a clean-up could not remove: which tree, what failed, and that nothing waits for it. */
    public static String leftover(String tree, String problem) {
        return "left " + tree + " in place: " + problem
                + "; it is not a backup and blocks nothing, the next run tries to remove it again";
    }
}
