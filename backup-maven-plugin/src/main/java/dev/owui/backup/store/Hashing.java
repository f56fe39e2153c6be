package dev.owui.backup.store;

import dev.owui.backup.store.BackupWriter.Stored;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, the one hash of the backup format (sha256sum checks any stored file). */
public final class Hashing {
    private static final int BUFFER = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);

    private Hashing() {
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The SHA-256 of {@code bytes}, in hex (a piece of a dump, held in memory). */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    /** A 1 MiB buffer per thread for streaming copies and hashes; never held across calls. */
    static byte[] buffer() {
        return BUFFERS.get();
    }

    public static Stored sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    /** Copies {@code in} to {@code out} and returns what went through: its size and SHA-256 (one pass). */
    public static Stored copy(InputStream in, java.io.OutputStream out) throws IOException {
        MessageDigest sha = newSha256();
        byte[] buf = buffer();
        long size = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
            size += n;
        }
        return new Stored(size, HexFormat.of().formatHex(sha.digest()));
    }

    public static Stored sha256(InputStream in) throws IOException {
        MessageDigest sha = newSha256();
        byte[] buf = buffer();
        long size = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            sha.update(buf, 0, n);
            size += n;
        }
        return new Stored(size, HexFormat.of().formatHex(sha.digest()));
    }
}
