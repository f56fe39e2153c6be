package dev.owui.backup.repo.objects;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.Codec;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.Encoded;
import dev.owui.backup.repo.Repository;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stores contents as objects named by the SHA-256 of their stored bytes. Each content is encoded
 * into a local temp file first (the name is known only once every byte is encoded), then stored
 * with write-if-absent. A stat comes first: plain and zstd contents stored before have the same
 * name, and a stat is much cheaper than an upload the store would then refuse (SFTP and S3 send
 * the whole body before they can say "exists").
 */
public final class ObjectWriter {
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
        Path temp = null;
        try {
            Files.createDirectories(repo.scratch());
            temp = Files.createTempFile(repo.scratch(), "owui-object-", ".tmp");
            Encoded e = Codec.encode(content, temp, storage, settings, "content");
            String key = repo.key(ObjectNames.relativeKey(e.storedSha256()));
            boolean stored = repo.store().stat(key).isEmpty() && repo.store().writeIfAbsent(key, temp);
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
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover in the temp folder; the next run's temp files have other names
                }
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
