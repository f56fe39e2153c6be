package dev.owui.backup.store;

/**
 * The names every target gives the trees of an instance (FORMAT.md): {@code <id>} for a complete
 * backup, {@code .<id>.partial} while one is written, {@code .<id>.deleting.partial} while one is
 * removed. Hidden names never count as backups, so an interruption never leaves a complete-looking
 * tree.
 */
public final class TreeNames {
    private static final String PARTIAL_SUFFIX = ".partial";

    private TreeNames() {
    }

    /** The tree a backup is written into before it is renamed to its id. */
    public static String partial(String backupId) {
        return "." + backupId + PARTIAL_SUFFIX;
    }

    /** The name a backup is renamed to before it is removed. */
    public static String deleting(String backupId) {
        return partial(backupId + ".deleting");
    }

    /** Whether a folder name is an interrupted or in-progress tree. */
    public static boolean isPartial(String name) {
        return name.startsWith(".") && name.endsWith(PARTIAL_SUFFIX) && name.length() > 1 + PARTIAL_SUFFIX.length();
    }

    /** What a partial tree was for: its backup id (with ".deleting" for a removal). */
    public static String ofPartial(String name) {
        return name.substring(1, name.length() - PARTIAL_SUFFIX.length());
    }
}
