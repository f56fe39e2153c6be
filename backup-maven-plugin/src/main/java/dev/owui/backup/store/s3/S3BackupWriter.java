package dev.owui.backup.store.s3;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.format.ManifestCodec;
import dev.owui.backup.report.CountingInputStream;
import dev.owui.backup.store.BackupWriter;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.SourceVanishedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Writes one backup under its id's prefix; the manifest goes last and makes it a backup. Files
 * are read once, in parts held in memory: each part is hashed for the manifest's SHA-256 and sent
 * signed with its own SHA-256, which the server checks (see {@link S3Clients}), a file of one part as
 * a single PUT, a larger one as a multipart upload. Reused files are server-side copies, in parts
 * above {@link S3Target.Tuning#copyInOneUpTo()}. Thread-safe for distinct paths.
 */
final class S3BackupWriter implements BackupWriter {
    /** S3 allows 10,000 parts per upload; a part size that fits a file's size in 9,000 leaves room for growth while reading. */
    private static final int PARTS_PLANNED = 9_000;
    private static final ThreadLocal<byte[]> BUFFERS = new ThreadLocal<>();

    private final S3Target target;
    private final S3Location loc;
    private final String instance;
    private final String backupId;
    private final Path staging;
    private final AtomicLong staged = new AtomicLong();
    /** Sizes of the stored objects of earlier backups, listed once per backup on first reuse. */
    private final Map<String, Map<String, Long>> sizesOf = new ConcurrentHashMap<>();
    /** Server-side copies at once: each is one small request, the server does the work. */
    static final int COPY_THREADS = 16;
    private final Queue<Future<?>> copies = new ConcurrentLinkedQueue<>();
    private ExecutorService copier;
    private volatile RuntimeException copyFailure;
    /** Multipart uploads in flight, aborted if the run fails. */
    private final Set<String[]> uploads = ConcurrentHashMap.newKeySet();
    private volatile boolean committed;

    S3BackupWriter(S3Target target, String instance, String backupId, Path staging) {
        this.target = target;
        this.loc = target.loc();
        this.instance = instance;
        this.backupId = backupId;
        this.staging = staging;
    }

    private String bucket() {
        return loc.bucket();
    }

    @Override
    public Path stagingFile(String path) {
        String name = path.replace('/', '_');
        if (name.length() > 100) {
            name = name.substring(name.length() - 100);
        }
        return staging.resolve(staged.incrementAndGet() + "-" + name);
    }

    @Override
    public void putStaged(String path, Path stagedFile, Instant mtime, String mode, LongConsumer moved) {
        String key = loc.key(instance, backupId, path);
        try (InputStream in = CountingInputStream.of(Files.newInputStream(stagedFile), moved)) {
            upload(key, path, in, Files.size(stagedFile), mtime, mode);
        } catch (IOException e) {
            throw new OwuiException("cannot read the staged copy of " + path + ": " + e.getMessage(),
                    "check the temp directory (java.io.tmpdir)", e);
        }
        try {
            Files.deleteIfExists(stagedFile);
        } catch (IOException ignored) {
            // the staging folder goes when the writer closes
        }
    }

    @Override
    public Stored copy(String path, Path source, Instant mtime, String mode, LongConsumer moved) {
        rethrowCopyFailure();
        String key = loc.key(instance, backupId, path);
        InputStream in;
        long size;
        try {
            // before the upload starts: a vanished source leaves nothing behind. Bytes count as read
            // into a part, so progress runs at most one part (8 MiB or more) ahead of what is sent.
            in = CountingInputStream.of(Files.newInputStream(source), moved);
            size = Files.size(source);
        } catch (NoSuchFileException e) {
            throw new SourceVanishedException(path);
        } catch (IOException e) {
            throw new OwuiException("cannot read " + source + ": " + e.getMessage(), "run the backup as a user that can read the data directory", e);
        }
        try (in) {
            return upload(key, path, in, size, mtime, mode);
        } catch (IOException e) {
            throw new OwuiException("cannot read " + source + ": " + e.getMessage(), "check the data directory's disk", e);
        }
    }

    /** The part size for a file of about {@code size} bytes: the tuned size, more for files that would need over 9,000 parts. */
    private int partSize(long size) {
        long base = target.tuning().partSize();
        long needed = (size + PARTS_PLANNED - 1) / PARTS_PLANNED;
        long mib = 1 << 20;
        return (int) Math.max(base, (needed + mib - 1) / mib * mib);
    }

    private static byte[] buffer(int size) {
        byte[] b = BUFFERS.get();
        if (b == null || b.length < size) {
            b = new byte[size];
            BUFFERS.set(b);
        }
        return b;
    }

    /** Reads {@code in} to its end in parts and stores it under {@code key}; the result is what was read. */
    private Stored upload(String key, String path, InputStream source, long sizeHint, Instant mtime, String mode) throws IOException {
        PushbackInputStream in = new PushbackInputStream(source, 1);
        int partSize = partSize(sizeHint);
        byte[] buf = buffer(partSize);
        MessageDigest whole = Hashing.newSha256();
        int n = readFully(in, buf, partSize);
        whole.update(buf, 0, n);
        Map<String, String> meta = metadata(mtime, mode);
        if (n < partSize || atEnd(in)) {
            byte[] digest = whole.digest();
            final int len = n;
            target.call("storing " + path, () -> target.client().putObject(b -> b.bucket(bucket()).key(key).metadata(meta), body(buf, len)));
            return new Stored(len, HexFormat.of().formatHex(digest));
        }
        String uploadId = target.call("starting the upload of " + path, () -> target.client().createMultipartUpload(b -> b.bucket(bucket())
                .key(key).metadata(meta)).uploadId());
        String[] handle = {key, uploadId};
        uploads.add(handle);
        long size = 0;
        List<CompletedPart> parts = new ArrayList<>();
        try {
            while (true) {
                int partNumber = parts.size() + 1;
                final int len = n;
                UploadPartResponse r = target.call("storing part " + partNumber + " of " + path, () -> target.client().uploadPart(b -> b
                        .bucket(bucket()).key(key).uploadId(uploadId).partNumber(partNumber),
                        body(buf, len)));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(r.eTag()).build());
                size += len;
                n = readFully(in, buf, partSize);
                if (n == 0) {
                    break;
                }
                whole.update(buf, 0, n);
            }
            target.call("completing the upload of " + path, () -> target.client().completeMultipartUpload(b -> b.bucket(bucket()).key(key)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
            uploads.remove(handle);
        } catch (RuntimeException | IOException e) {
            abort(handle);
            throw e;
        }
        return new Stored(size, HexFormat.of().formatHex(whole.digest()));
    }

    /** After a full first part: true when the stream has nothing more (so one PUT suffices). */
    private static boolean atEnd(PushbackInputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            return true;
        }
        in.unread(b);
        return false;
    }

    /** The first {@code len} bytes of the buffer as a request body, re-readable for signing and retries, never copied. */
    private static RequestBody body(byte[] buf, int len) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, len), len, "application/octet-stream");
    }

    private static int readFully(InputStream in, byte[] buf, int len) throws IOException {
        int off = 0;
        while (off < len) {
            int r = in.read(buf, off, len - off);
            if (r < 0) {
                break;
            }
            off += r;
        }
        return off;
    }

    /** The file's mtime (rclone's convention: seconds since the epoch, with a fraction) and mode, a courtesy: the manifest holds them. */
    private static Map<String, String> metadata(Instant mtime, String mode) {
        Map<String, String> m = new java.util.HashMap<>();
        if (mtime != null) {
            m.put("mtime", mtime.getEpochSecond() + (mtime.getNano() == 0 ? "" : String.format(".%09d", mtime.getNano())));
        }
        if (mode != null) {
            m.put("mode", mode);
        }
        return m;
    }

    private void abort(String[] handle) {
        uploads.remove(handle);
        try {
            target.client().abortMultipartUpload(b -> b.bucket(bucket()).key(handle[0]).uploadId(handle[1]));
        } catch (SdkException ignored) {
            // the next run's removeIncomplete aborts what is left under this prefix
        }
    }

    /**
     * A server-side copy of the same path of backup {@code fromBackupId}: no bytes travel. MISSING
     * when that backup holds no such object, WRONG_SIZE when its size is not the manifest's (the
     * caller uploads the file). The copy itself is
     * queued: copies are latency-bound requests that cost the client nothing, so they run
     * {@value #COPY_THREADS} at a time beside the uploads, and {@link #commit} waits for all of
     * them before the manifest goes in.
     */
    @Override
    public Reuse reuse(String path, String fromBackupId, long storedSize) {
        rethrowCopyFailure();
        String from = loc.key(instance, fromBackupId, path);
        Long size = sizes(fromBackupId).get(from);
        if (size == null) {
            return Reuse.MISSING;
        }
        if (storedSize >= 0 && size != storedSize) {
            return Reuse.WRONG_SIZE; // a copy would carry the damage into this backup
        }
        String key = loc.key(instance, backupId, path);
        copies.add(copier().submit(() -> {
            if (copyFailure != null) {
                return;
            }
            try {
                if (size <= target.tuning().copyInOneUpTo()) {
                    target.client().copyObject(b -> b.sourceBucket(bucket()).sourceKey(from).destinationBucket(bucket()).destinationKey(key));
                } else {
                    copyInParts(from, key, size);
                }
            } catch (SdkException e) {
                copyFailure = S3Failures.notFound(e)
                        ? new OwuiException("the copy of " + path + " in backup " + fromBackupId + " vanished while this backup was shared with it",
                                "run the backup again (it then uploads the file); check nobody removes objects under " + target.location() + " by hand", e)
                        : S3Failures.of(target.where(), "copying " + path + " from backup " + fromBackupId, e);
            } catch (RuntimeException e) {
                copyFailure = e;
            }
        }));
        return Reuse.SHARED;
    }

    private synchronized ExecutorService copier() {
        if (copier == null) {
            copier = Executors.newFixedThreadPool(COPY_THREADS, r -> {
                Thread t = new Thread(r, "owui-s3-copy");
                t.setDaemon(true);
                return t;
            });
        }
        return copier;
    }

    private void rethrowCopyFailure() {
        RuntimeException f = copyFailure;
        if (f != null) {
            throw f;
        }
    }

    /** Waits for every queued copy; the first failure becomes the caller's. */
    private void awaitCopies() {
        for (Future<?> f; (f = copies.poll()) != null; ) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OwuiException("backup interrupted while copying unchanged files", null);
            }
        }
        rethrowCopyFailure();
    }

    private Map<String, Long> sizes(String fromBackupId) {
        return sizesOf.computeIfAbsent(fromBackupId, id -> {
            Map<String, Long> m = new java.util.HashMap<>();
            for (S3Object o : target.objects(loc.backupPrefix(instance, id))) {
                m.put(o.key(), o.size());
            }
            return m;
        });
    }

    /** UploadPartCopy in ranges of the part size: S3 copies at most 5 GiB in one CopyObject. */
    private void copyInParts(String from, String key, long size) {
        long partSize = Math.max(target.tuning().partSize(), (size + PARTS_PLANNED - 1) / PARTS_PLANNED);
        String uploadId = target.client().createMultipartUpload(b -> b.bucket(bucket()).key(key)).uploadId();
        String[] handle = {key, uploadId};
        uploads.add(handle);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long off = 0; off < size; off += partSize) {
                int partNumber = parts.size() + 1;
                String range = "bytes=" + off + "-" + (Math.min(size, off + partSize) - 1);
                UploadPartCopyResponse r = target.client().uploadPartCopy(b -> b.sourceBucket(bucket()).sourceKey(from)
                        .destinationBucket(bucket()).destinationKey(key).uploadId(uploadId).partNumber(partNumber).copySourceRange(range));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(r.copyPartResult().eTag()).build());
            }
            target.client().completeMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            uploads.remove(handle);
        } catch (RuntimeException e) {
            abort(handle);
            throw e;
        }
    }

    /** Symbolic links live only in the manifest: S3 has none, and restore recreates them from there. */
    @Override
    public void symlink(String path, String linkTarget) {
        loc.key(instance, backupId, path); // the same key checks as a file, so an impossible name fails the same way
    }

    @Override
    public void commit(Manifest manifest) {
        awaitCopies();
        String key = loc.backupPrefix(instance, backupId) + Manifest.FILE_NAME;
        if (target.exists(key)) {
            throw new OwuiException("a backup " + backupId + " already exists at " + target.location(), "retry in a second");
        }
        target.put(key, ManifestCodec.write(manifest));
        committed = true;
    }

    private void stopCopier() {
        ExecutorService c;
        synchronized (this) {
            c = copier;
            copier = null;
        }
        if (c != null) {
            c.shutdownNow();
            try {
                c.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Unless committed: aborts open uploads and removes what this run stored, if the server still answers. */
    @Override
    public void close() {
        try {
            stopCopier();
            if (!committed) {
                for (String[] u : List.copyOf(uploads)) {
                    abort(u);
                }
                try {
                    target.deletePrefix(loc.backupPrefix(instance, backupId));
                } catch (RuntimeException ignored) {
                    // the server is gone: the next run removes this incomplete tree (it never counts as a backup)
                }
            }
        } finally {
            dev.owui.backup.store.LocalCopies.deleteTree(staging);
        }
    }
}
