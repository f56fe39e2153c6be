package dev.owui.backup.repo.objects;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.Codec;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.Encoded;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.store.Hashing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stores contents as objects named by the SHA-256 of their stored bytes. Each content is encoded
 * first (the name is known only once every byte is encoded): in memory while it is small (up to
 * {@value #IN_MEMORY} bytes encoded, which most uploads are), else into a local temp file, then
 * stored with write-if-absent. A temp file per small upload cost more than the upload itself:
 * creating and removing it waits on the filesystem's journal like an fsync does. A stat comes first: plain and zstd contents stored before have the same
 * name, and a stat is much cheaper than an upload the store would then refuse (SFTP and S3 send
 * the whole body before they can say "exists").
 */
public final class ObjectWriter {
    /** Encoded contents up to this size are kept in memory (per thread encoding at once), larger ones in a temp file. */
    static final int IN_MEMORY = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[1 << 16]);
    private final Repository repo;
    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong present = new AtomicLong();

    public ObjectWriter(Repository repo) {
        this.repo = repo;
    }

    public ObjectRef put(Path file, String storage, CodecSettings settings) {
        try (InputStream in = Files.newInputStream(file)) {
            return put(in, storage, settings, file.getFileName().toString());
        } catch (IOException e) {
            throw new OwuiException("cannot read " + file + " to store it: " + e.getMessage(), "check the file and the local disk", e);
        }
    }

    public ObjectRef put(byte[] content, String storage, CodecSettings settings, String what) {
        return put(new ByteArrayInputStream(content), storage, settings, what);
    }

    /** {@code what} names the content in errors and in an OpenPGP literal packet (keep it free of secrets). */
    public ObjectRef put(InputStream content, String storage, CodecSettings settings, String what) {
        Spill spill = new Spill();
        try {
            MessageDigest original = Hashing.newSha256();
            long size = 0;
            try (OutputStream out = Codec.encoder(spill, storage, settings, "content")) {
                byte[] buf = BUFFERS.get();
                int n;
                while ((n = content.read(buf)) > 0) {
                    original.update(buf, 0, n);
                    out.write(buf, 0, n);
                    size += n;
                }
            }
            Encoded e = new Encoded(storage, size, HexFormat.of().formatHex(original.digest()), spill.count,
                    HexFormat.of().formatHex(spill.sha.digest()));
            String key = repo.key(ObjectNames.relativeKey(e.storedSha256()));
            boolean stored = repo.store().stat(key).isEmpty()
                    && (spill.file == null ? repo.store().writeIfAbsent(key, spill.memory.toByteArray()) : repo.store().writeIfAbsent(key, spill.file));
            if (stored) {
                uploaded.incrementAndGet();
                uploadedBytes.addAndGet(e.storedSize());
            } else {
                present.incrementAndGet();
            }
            return new ObjectRef(e.storedSha256(), e.storedSize(), e.sha256(), e.size(), storage, stored);
        } catch (IOException e) {
            throw new OwuiException("cannot encode " + what + " into " + repo.scratch() + ": " + e.getMessage(),
                    "check the free space and permissions of the temp folder", e);
        } finally {
            if (spill.file != null) {
                try {
                    Files.deleteIfExists(spill.file);
                } catch (IOException ignored) {
                    // a leftover in the temp folder; the next run's temp files have other names
                }
            }
        }
    }

    /** Encoded bytes: in memory up to {@link #IN_MEMORY}, then in a temp file; counted and hashed as they pass. */
    private final class Spill extends OutputStream {
        final MessageDigest sha = Hashing.newSha256();
        final ByteArrayOutputStream memory = new ByteArrayOutputStream(1024);
        long count;
        Path file;
        OutputStream fileOut;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sha.update(b, off, len);
            count += len;
            if (fileOut == null && memory.size() + len <= IN_MEMORY) {
                memory.write(b, off, len);
                return;
            }
            if (fileOut == null) {
                Files.createDirectories(repo.scratch());
                file = Files.createTempFile(repo.scratch(), "owui-object-", ".tmp");
                fileOut = Files.newOutputStream(file);
                memory.writeTo(fileOut);
                memory.reset();
            }
            fileOut.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (fileOut != null) {
                fileOut.close();
            }
        }
    }

    /** Objects this writer sent to the store. */
    public long uploaded() {
        return uploaded.get();
    }

    public long uploadedBytes() {
        return uploadedBytes.get();
    }

    /** Puts that found their object already stored (same content, plain or zstd). */
    public long alreadyPresent() {
        return present.get();
    }
}
