package dev.owui.backup.repo.store;

/**
 * Hard links into a store's objects (local disk and SFTP; S3 has none): what lets a browsable
 * tree of a backup ({@code trees/<id>/…}) cost no space.
 */
public interface HardLinks {
    /**
     * Makes {@code toPath} a second name of the object {@code fromKey}: the same inode, so the
     * same bytes and mode. {@code toPath} is '/'-separated and relative to the store's root, and
     * unlike a key may carry any name an upload has (it is a file of a tree, not an object): any
     * character but '/' and NUL, no empty, "." or ".." component. Missing folders are created
     * (0700).
     *
     * @return false when {@code toPath} already exists (it is left as it is)
     * @throws NoSuchObjectException when {@code fromKey} does not exist
     */
    boolean link(String fromKey, String toPath);
}
