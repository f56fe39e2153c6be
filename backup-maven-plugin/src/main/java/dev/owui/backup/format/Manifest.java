package dev.owui.backup.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The manifest.json of one backup, written last: its presence is what makes a tree a backup.
 * The format is documented in FORMAT.md at the repository's root; bump {@link #FORMAT_VERSION} on
 * any change a reader of an older version could misread.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        String format,
        int formatVersion,
        String toolVersion,
        String instance,
        String backupId,
        String host,
        String dataDir,
        String mode,
        Instant startedAt,
        Instant finishedAt,
        InstanceFacts openWebUi,
        Totals totals,
        StorageSettings storage,
        List<FileEntry> files,
        List<DirectoryEntry> directories) {

    public static final String FORMAT = "owui-backup";
    /**
     * The newest format this tool reads and writes. Version 2 adds per-file compression and
     * encryption (storage other than plain, stored names with a suffix); a backup whose every file
     * is stored plain is still written as version 1, which older readers read correctly.
     */
    public static final int FORMAT_VERSION = 2;
    public static final int FORMAT_VERSION_PLAIN = 1;
    public static final String FILE_NAME = "manifest.json";

    /**
     * A manifest without folder entries, as every manifest was before they were recorded (restore
     * then makes folders with default modes). Folder entries need no new format version: they are
     * a field of their own, which older readers ignore (unknown fields), and the file list is
     * unchanged, so an older tool restores such a backup exactly as before.
     */
    public Manifest(String format, int formatVersion, String toolVersion, String instance, String backupId, String host,
                    String dataDir, String mode, Instant startedAt, Instant finishedAt, InstanceFacts openWebUi,
                    Totals totals, StorageSettings storage, List<FileEntry> files) {
        this(format, formatVersion, toolVersion, instance, backupId, host, dataDir, mode, startedAt, finishedAt,
                openWebUi, totals, storage, files, null);
    }

    /** A manifest of a backup without compression or encryption (format version 1 content). */
    public Manifest(String format, int formatVersion, String toolVersion, String instance, String backupId, String host,
                    String dataDir, String mode, Instant startedAt, Instant finishedAt, InstanceFacts openWebUi,
                    Totals totals, List<FileEntry> files) {
        this(format, formatVersion, toolVersion, instance, backupId, host, dataDir, mode, startedAt, finishedAt,
                openWebUi, totals, null, files, null);
    }

    /** The same manifest with these folder entries (null: none recorded). */
    public Manifest withDirectories(List<DirectoryEntry> dirs) {
        return new Manifest(format, formatVersion, toolVersion, instance, backupId, host, dataDir, mode, startedAt,
                finishedAt, openWebUi, totals, storage, files, dirs);
    }

    /** The folder entries, empty for a manifest written before they were recorded. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public List<DirectoryEntry> directoriesOrEmpty() {
        return directories == null ? List.of() : directories;
    }

    /**
     * How the backup stored its files, when not plain: the zstd level used, and whom the files
     * are encrypted to (a passphrase, recipients' key fingerprints). A later backup shares a file
     * only when these match, so every file of a backup opens with the same keys.
     *
     * @param compression   "zstd" or null
     * @param zstdLevel     the level used, or null
     * @param passphrase    true when files are encrypted to a passphrase (the passphrase is never recorded)
     * @param recipients    upper-case hex fingerprints of the public keys files are encrypted to
     * @param encryptedManifest   when the manifest itself is encrypted: the stored name of the
     *                            full manifest ({@code manifest.json.gpg}); this manifest is then
     *                            only the header that shows the backup is complete
     * @param encryptedManifestSha256 SHA-256 of that stored file, for a verify without the key
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StorageSettings(String compression, Integer zstdLevel, Boolean passphrase, List<String> recipients,
                                  String encryptedManifest, String encryptedManifestSha256) {
        public StorageSettings(String compression, Integer zstdLevel, Boolean passphrase, List<String> recipients) {
            this(compression, zstdLevel, passphrase, recipients, null, null);
        }

        public StorageSettings withEncryptedManifest(String name, String sha256) {
            return new StorageSettings(compression, zstdLevel, passphrase, recipients, name, sha256);
        }

        public boolean encrypted() {
            return Boolean.TRUE.equals(passphrase) || (recipients != null && !recipients.isEmpty());
        }

        /** The same encryption (the level may differ: decoding does not depend on it). */
        public static boolean sameEncryption(StorageSettings a, StorageSettings b) {
            boolean ea = a != null && a.encrypted();
            boolean eb = b != null && b.encrypted();
            if (!ea || !eb) {
                return ea == eb;
            }
            return java.util.Objects.equals(a.passphrase, b.passphrase)
                    && java.util.Objects.equals(java.util.Set.copyOf(a.recipients == null ? List.of() : a.recipients),
                    java.util.Set.copyOf(b.recipients == null ? List.of() : b.recipients));
        }

        /** For listings: "zstd-3+pgp", "pgp", "zstd-9". */
        public String describe() {
            String c = compression == null ? "" : compression + (zstdLevel == null ? "" : "-" + zstdLevel);
            String d = encrypted() ? (c.isEmpty() ? "pgp" : c + "+pgp") : (c.isEmpty() ? "plain" : c);
            return encryptedManifest == null ? d : d + ", manifest encrypted";
        }
    }

    /**
     * Sums over {@link #files}, kept in the manifest so listing needs no arithmetic over entries.
     * Folder entries ({@link #directories}) are not counted: they have no content, and a count of
     * files should not change with the way they are grouped in folders.
     */
    public record Totals(long files, long bytes, long bytesWritten, long bytesReused) {
    }
}
