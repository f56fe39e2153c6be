package dev.owui.backup.format;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One file of a backup as the manifest records it.
 *
 * @param path       path relative to the backup root, always with '/' separators
 * @param type       what the file is: {@link #SQLITE}, {@link #FILE}, {@link #SYMLINK} or {@link #SECRET_KEY}
 * @param size       size in bytes of the original content
 * @param sha256     hex SHA-256 of the original content (null for symlinks)
 * @param mtime      modification time of the source file, full precision (ISO-8601 in JSON)
 * @param mode       POSIX permissions of the source file, e.g. "rw-r--r--" (null where unknown)
 * @param storage    how the bytes sit on the target: {@code plain}, {@code zstd}, {@code pgp} or
 *                   {@code zstd+pgp} (see {@link Storage}); the stored file's
 *                   name then carries the suffix {@code .zst}, {@code .gpg} or {@code .zst.gpg}
 * @param reusedFrom id of the earlier backup whose copy this file shares (hard link), or null when written anew
 * @param linkTarget for symlinks, the link's target as stored in the link
 * @param storedSize   size of the stored object when storage is not plain (null for plain)
 * @param storedSha256 hex SHA-256 of the stored object when storage is not plain: what a verify
 *                     without the key, or a copy between targets, checks (null for plain)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileEntry(
        String path,
        String type,
        long size,
        String sha256,
        Instant mtime,
        String mode,
        String storage,
        String reusedFrom,
        String linkTarget,
        Long storedSize,
        String storedSha256) {

    public static final String SQLITE = "sqlite";
    public static final String FILE = "file";
    public static final String SYMLINK = "symlink";
    public static final String SECRET_KEY = "secret-key";
    public static final String STORED_PLAIN = "plain";

    /** A plainly stored entry, as every entry was before compression and encryption. */
    public FileEntry(String path, String type, long size, String sha256, Instant mtime, String mode, String storage,
                     String reusedFrom, String linkTarget) {
        this(path, type, size, sha256, mtime, mode, storage, reusedFrom, linkTarget, null, null);
    }

    /** Where the stored bytes sit in the backup tree: {@link #path} plus the storage's suffix. */
    @JsonIgnore
    public String storedPath() {
        return Storage.storedPath(path, storage);
    }

    /** True when the stored bytes are the content itself. */
    @JsonIgnore
    public boolean isStoredPlain() {
        return Storage.isPlain(storage);
    }

    @JsonIgnore
    public boolean isSqlite() {
        return SQLITE.equals(type);
    }

    @JsonIgnore
    public boolean isSymlink() {
        return SYMLINK.equals(type);
    }

    @JsonIgnore
    public boolean isSecretKey() {
        return SECRET_KEY.equals(type);
    }

    /** True for entries whose content lives in a file of the backup tree. */
    @JsonIgnore
    public boolean hasContent() {
        return !isSymlink();
    }

    public FileEntry reused(String fromBackupId) {
        return new FileEntry(path, type, size, sha256, mtime, mode, storage, fromBackupId, linkTarget, storedSize, storedSha256);
    }
}
