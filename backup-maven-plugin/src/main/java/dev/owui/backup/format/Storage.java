package dev.owui.backup.format;

import java.util.List;

/**
 * The storage names of the backup format ({@code FileEntry.storage}) and the suffix each gives
 * the stored file, so a person browsing a backup tree knows which stock tool opens a file:
 * {@code zstd -d} for {@code .zst}, {@code gpg --decrypt} for {@code .gpg}, both in that order
 * for {@code .zst.gpg} (compressed first, then encrypted).
 */
public final class Storage {
    public static final String PLAIN = "plain";
    public static final String ZSTD = "zstd";
    public static final String PGP = "pgp";
    public static final String ZSTD_PGP = "zstd+pgp";
    public static final List<String> ALL = List.of(PLAIN, ZSTD, PGP, ZSTD_PGP);

    private Storage() {
    }

    public static String of(boolean compressed, boolean encrypted) {
        return compressed ? (encrypted ? ZSTD_PGP : ZSTD) : (encrypted ? PGP : PLAIN);
    }

    /** Storage names from before compression existed (null) read as plain. */
    public static String normalise(String storage) {
        return storage == null ? PLAIN : storage;
    }

    public static boolean isCompressed(String storage) {
        return ZSTD.equals(storage) || ZSTD_PGP.equals(storage);
    }

    public static boolean isEncrypted(String storage) {
        return PGP.equals(storage) || ZSTD_PGP.equals(storage);
    }

    public static boolean isPlain(String storage) {
        return PLAIN.equals(normalise(storage));
    }

    public static boolean isKnown(String storage) {
        return ALL.contains(normalise(storage));
    }

    public static String suffix(String storage) {
        return switch (normalise(storage)) {
            case ZSTD -> ".zst";
            case PGP -> ".gpg";
            case ZSTD_PGP -> ".zst.gpg";
            default -> "";
        };
    }

    /** Where the stored bytes of the file at {@code path} sit in the backup tree. */
    public static String storedPath(String path, String storage) {
        return path + suffix(storage);
    }
}
