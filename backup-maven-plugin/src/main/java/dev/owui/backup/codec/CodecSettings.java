package dev.owui.backup.codec;

import dev.owui.backup.format.Manifest;
import dev.owui.backup.format.Storage;
import java.util.Locale;
import java.util.Set;

/**
 * How a backup stores its files: zstd compression (on or off, and its level) and OpenPGP
 * encryption (null: off). Files whose content is already compressed (images, archives, office
 * documents, media) are not compressed again, by their extension: zstd would spend CPU to save
 * nothing. They are still encrypted when encryption is on.
 *
 * @param compress   compress with zstd
 * @param zstdLevel  zstd level, 1 (fast) to 19 (small)
 * @param encryption keys to encrypt to, or null for no encryption
 * @param encryptManifest also encrypt the manifest (its file list names every upload); see FORMAT.md
 */
public record CodecSettings(boolean compress, int zstdLevel, EncryptionKeys encryption, boolean encryptManifest) {

    /** Extensions of formats that are already compressed: stored without zstd. */
    public static final Set<String> ALREADY_COMPRESSED = Set.of(
            "jpg", "jpeg", "png", "gif", "webp", "avif", "heic",
            "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "br",
            "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub",
            "mp3", "mp4", "m4a", "aac", "ogg", "opus", "webm", "mkv", "mov", "flac");

    public CodecSettings {
        if (compress && (zstdLevel < Zstd.MIN_LEVEL || zstdLevel > Zstd.MAX_LEVEL)) {
            throw new IllegalArgumentException("zstd level " + zstdLevel + " is outside " + Zstd.MIN_LEVEL + ".." + Zstd.MAX_LEVEL);
        }
        if (encryptManifest && encryption == null) {
            throw new IllegalArgumentException("encrypting the manifest needs encryption keys");
        }
    }

    public CodecSettings(boolean compress, int zstdLevel, EncryptionKeys encryption) {
        this(compress, zstdLevel, encryption, false);
    }

    public CodecSettings withEncryptedManifest() {
        return new CodecSettings(compress, zstdLevel, encryption, true);
    }

    public static CodecSettings plain() {
        return new CodecSettings(false, Zstd.DEFAULT_LEVEL, null);
    }

    public static CodecSettings zstd(int level) {
        return new CodecSettings(true, level, null);
    }

    public CodecSettings encryptedTo(EncryptionKeys keys) {
        return new CodecSettings(compress, zstdLevel, keys, encryptManifest && keys != null);
    }

    public boolean encrypts() {
        return encryption != null;
    }

    /** True when every file is stored as it is. */
    public boolean isPlain() {
        return !compress && encryption == null;
    }

    /** The storage of the file at {@code path} (relative, '/'-separated). */
    public String storageFor(String path) {
        return Storage.of(compress && compressible(path), encryption != null);
    }

    static boolean compressible(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 || !ALREADY_COMPRESSED.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return (compress ? "zstd-" + zstdLevel : "no compression") + (encryption != null ? ", " + encryption : ", not encrypted")
                + (encryptManifest ? ", manifest encrypted" : "");
    }

    /**
     * What a manifest or head records of these settings (never the passphrase itself); null when
     * everything is stored plain. Both formats' writers use it, so a later run compares like with like.
     */
    public Manifest.StorageSettings recorded() {
        if (isPlain()) {
            return null;
        }
        return new Manifest.StorageSettings(compress ? Storage.ZSTD : null, compress ? zstdLevel : null,
                encrypts() ? encryption.hasPassphrase() : null,
                encrypts() ? encryption.recipientFingerprints() : null);
    }
}
