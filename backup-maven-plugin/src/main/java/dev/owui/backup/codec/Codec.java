package dev.owui.backup.codec;

import dev.owui.backup.format.Storage;
import dev.owui.backup.store.Hashing;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Encodes one file into its stored form (compress, then encrypt) and decodes it back, hashing the
 * original and the stored bytes in the same pass.
 */
public final class Codec {
    private static final int BUFFER = 1 << 16;
    /** One copy buffer per thread: a backup encodes thousands of files. */
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER]);

    private Codec() {
    }

    /**
     * Writes {@code source} encoded as {@code storage} to {@code dest} (replaced if present).
     * Throws {@link java.nio.file.NoSuchFileException} naming {@code source} when it is gone.
     */
    public static Encoded encode(Path source, Path dest, String storage, CodecSettings settings) throws IOException {
        try (InputStream in = Files.newInputStream(source)) {
            return encode(in, dest, storage, settings, source.getFileName().toString());
        }
    }

    public static Encoded encode(InputStream in, Path dest, String storage, CodecSettings settings, String name) throws IOException {
        MessageDigest original = Hashing.newSha256();
        // No buffering: zstd and OpenPGP both write in large blocks (~128 KiB frames, 64 KiB packets).
        Counting stored = new Counting(java.nio.channels.Channels.newOutputStream(dev.owui.backup.store.PrivateFiles.openChannel(dest,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)));
        long size = 0;
        try (OutputStream out = encoder(stored, storage, settings, name)) {
            byte[] buf = BUFFERS.get();
            int n;
            while ((n = in.read(buf)) > 0) {
                original.update(buf, 0, n);
                out.write(buf, 0, n);
                size += n;
            }
        }
        return new Encoded(storage, size, HexFormat.of().formatHex(original.digest()), stored.count, HexFormat.of().formatHex(stored.sha.digest()));
    }

    /** A stream that encodes what is written to it into {@code out}; closing it closes {@code out}. */
    public static OutputStream encoder(OutputStream out, String storage, CodecSettings settings, String name) throws IOException {
        OutputStream o = out;
        if (Storage.isEncrypted(storage)) {
            if (settings.encryption() == null) {
                throw new IllegalStateException("storage " + storage + " without encryption keys");
            }
            o = Pgp.encrypt(o, settings.encryption(), name);
        }
        if (Storage.isCompressed(storage)) {
            o = Zstd.compress(o, settings.zstdLevel());
        }
        return o;
    }

    /**
     * The original content of a stored file. {@code name} names the file in errors (a wrong
     * passphrase or a missing key fails here with an OwuiException naming it).
     */
    public static InputStream decode(InputStream stored, String storage, DecryptionKeys keys, String name) throws IOException {
        InputStream in = stored;
        if (Storage.isEncrypted(storage)) {
            in = Pgp.decrypt(in, keys == null ? DecryptionKeys.none() : keys, name);
        }
        if (Storage.isCompressed(storage)) {
            in = Zstd.decompress(in);
        }
        return in;
    }

    /** Counts and hashes the bytes that reach the stored file. */
    private static final class Counting extends FilterOutputStream {
        final MessageDigest sha = Hashing.newSha256();
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sha.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sha.update(b, off, len);
            count += len;
        }
    }
}
