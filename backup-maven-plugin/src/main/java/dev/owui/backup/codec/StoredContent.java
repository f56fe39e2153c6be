package dev.owui.backup.codec;

import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Storage;
import dev.owui.backup.store.Target;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads the content of one file of a backup whatever its storage: the stored object is opened at
 * {@link FileEntry#storedPath()} and decoded (zstd, OpenPGP). What restore, verify and copy use
 * so that none of them needs to know the storage names.
 */
public final class StoredContent {
    private StoredContent() {
    }

    /**
     * The original content of {@code e}. Closing it closes the stored object. A wrong passphrase or
     * a missing key throws an {@link dev.owui.backup.OwuiException} naming the stored file.
     */
    public static InputStream open(Target target, String instance, String backupId, FileEntry e, DecryptionKeys keys) throws IOException {
        InputStream raw = target.open(instance, backupId, e.storedPath());
        if (e.isStoredPlain()) {
            return raw;
        }
        try {
            InputStream decoded = Codec.decode(raw, e.storage(), keys, backupId + "/" + e.storedPath());
            return new FilterInputStream(decoded) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        raw.close();
                    }
                }
            };
        } catch (IOException | RuntimeException ex) {
            raw.close();
            throw ex;
        }
    }

    /**
     * A local file with the original content of {@code e}, for SQLite. A plain entry is the
     * target's own local file (do not modify it); an encoded one is decoded into {@code scratch}
     * (the caller deletes it).
     */
    public static Path localFile(Target target, String instance, String backupId, FileEntry e, DecryptionKeys keys, Path scratch) throws IOException {
        if (e.isStoredPlain()) {
            return target.localFile(instance, backupId, e.path());
        }
        try (InputStream in = open(target, instance, backupId, e, keys)) {
            Files.copy(in, scratch, StandardCopyOption.REPLACE_EXISTING);
        }
        return scratch;
    }

    /** True when reading {@code e}'s content needs a key this reader does not have. */
    public static boolean needsKey(FileEntry e, DecryptionKeys keys) {
        return Storage.isEncrypted(e.storage()) && (keys == null || keys.isEmpty());
    }
}
