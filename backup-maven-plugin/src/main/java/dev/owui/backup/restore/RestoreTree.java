package dev.owui.backup.restore;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fresh folder a restore fills from a backup's entries (its staging folder), which nothing is
 * ever written outside of, whatever the entries say. The backup's own symbolic links are made in
 * it, so a path below one of them, or at one of them, would otherwise be written through the link:
 * a backup that was tampered with or damaged could write anywhere (`uploads` → /etc, then
 * `uploads/x`). Checking entry paths as strings is not enough (`uploads/` and `./uploads` name the
 * same link), so the folder itself is asked: every folder on the way is made one level at a time
 * and must then be a real folder (not followed), and files are created new (a link in their place
 * fails). A real folder here never turns into a link later (a link is only made where nothing
 * is), so a folder checked once is remembered, and the check holds for writers on other threads.
 */
public final class RestoreTree {
    /** For a file's content: never follows or replaces anything already at the path. */
    public static final OpenOption[] NEW_FILE = {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};

    private final Path root;
    private final String backup;
    private final boolean private_;
    private final Set<Path> folders = ConcurrentHashMap.newKeySet();

    /**
     * @param root   the folder, absolute and normalized; made by the caller
     * @param backup names the backup in errors, e.g. "backup 20261128T023000Z"
     */
    public RestoreTree(Path root, String backup) {
        this(root, backup, false);
    }

    /** {@code privateFolders}: the folders it makes are 0700 (a PostgreSQL dump's, which holds the whole database). */
    public RestoreTree(Path root, String backup, boolean privateFolders) {
        this.root = root;
        this.backup = backup;
        this.private_ = privateFolders;
    }

    /** The place of entry {@code rel}, with every folder above it made: never outside the root, never through a link. */
    public Path parentsMade(String rel) throws IOException {
        Path p = inside(rel);
        folders(p.getParent(), rel);
        if (Files.isSymbolicLink(p)) {
            throw belowLink(rel, p);
        }
        return p;
    }

    /** Entry {@code rel} as a folder, made with its parents, all real folders. */
    public Path folder(String rel) throws IOException {
        Path p = inside(rel);
        folders(p, rel);
        return p;
    }

    private Path inside(String rel) {
        Path p = root.resolve(rel).normalize();
        if (rel.isEmpty() || !p.startsWith(root) || p.equals(root)) {
            throw new OwuiException(backup + " names a path outside the restore directory: " + rel,
                    "the backup is damaged or not ours; do not restore it; nothing was restored");
        }
        return p;
    }

    private void folders(Path dir, String rel) throws IOException {
        if (dir.equals(root) || folders.contains(dir)) {
            return;
        }
        folders(dir.getParent(), rel);
        try {
            if (private_) {
                dev.owui.backup.store.PrivateFiles.createDirectory(dir);
            } else {
                Files.createDirectory(dir); // does not follow a link at dir: it fails, and is caught below
            }
        } catch (FileAlreadyExistsException there) {
            // a folder made for an earlier entry, or something else: checked next
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw belowLink(rel, dir);
        }
        folders.add(dir);
    }

    private OwuiException belowLink(String rel, Path at) {
        String what = root.relativize(at).toString();
        boolean link = Files.isSymbolicLink(at);
        return new OwuiException(backup + ": entry " + rel + (link
                ? (at.equals(root.resolve(rel).normalize()) ? " is at the place of" : " lies below") + " the backup's symbolic link " + what
                        + ", so restoring it would write through the link, possibly outside the restore directory"
                : " lies below " + what + ", which the backup restores as something other than a folder"),
                "the backup is damaged or not ours: do not restore it (run owui:verify, and restore another backup); nothing was restored");
    }
}
