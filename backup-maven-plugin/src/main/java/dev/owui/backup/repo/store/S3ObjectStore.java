package dev.owui.backup.repo.store;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.s3.S3Access;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A store in an S3 bucket under the target URL's prefix ({@code s3://bucket/prefix}): a key is
 * the object {@code <prefix>/<key>}. S3 has no partial objects: a PUT or a completed multipart
 * upload appears whole or not at all, and an unfinished multipart upload is no object (it is
 * what {@link #removeStaleTemps} aborts). Objects above {@value #PART_SIZE} bytes go in
 * 16 MiB parts, as {@code S3Target} uploads them.
 *
 * <p>No replace: PutObject (and CompleteMultipartUpload) carry {@code If-None-Match: *}, which
 * S3 (since 2024), MinIO, R2 and S3Proxy answer with 412 when the key exists. Some services
 * ignore the header (an older MinIO, B2, Wasabi at times) or refuse it (501). The first write
 * finds out: it puts a probe object twice with the header, and a second success means the
 * header was ignored. Such a service gets a HeadObject before each PutObject instead, which is
 * not atomic against another process, but safe for the repository: its writers hold the
 * exclusive lock, threads of this process are serialized per key, and every key is either
 * content-addressed (a second writer would put the same bytes) or unique (heads, locks).
 */
public final class S3ObjectStore implements ObjectStore {
    /** The part size of multipart uploads, and the largest object sent in one PUT. */
    public static final int PART_SIZE = 16 << 20;
    /** S3 allows 10,000 parts; a huge file gets bigger parts so it stays below. */
    private static final int PARTS_PLANNED = 9_000;
    private static final int PRECONDITION_FAILED = 412;
    private static final int CONFLICT = 409;

    private final S3Access s3;
    private final String bucket;
    private final String root;
    private final int partSize;
    private final int pageSize;
    private final KeyLocks keyLocks = new KeyLocks();
    /** Whether the service honours If-None-Match on writes; null until the first write found out. */
    private volatile Boolean conditionalWrites;

    /** Opens {@code s3://bucket[/prefix]} with the spec's region, endpoint, path style and server id. */
    public static S3ObjectStore open(TargetSpec spec, TargetContext ctx) {
        return new S3ObjectStore(S3Access.open(spec, ctx), PART_SIZE, 1000);
    }

    /** Over an opened client (one built with interceptors, say), with the default part and listing page sizes. */
    public static S3ObjectStore over(S3Access s3) {
        return new S3ObjectStore(s3, PART_SIZE, 1000);
    }

    /** Over an opened client; {@code partSize} and {@code pageSize} (keys per listing page) are smaller in tests. */
    S3ObjectStore(S3Access s3, int partSize, int pageSize) {
        this.s3 = s3;
        this.bucket = s3.bucket();
        this.root = s3.root();
        this.partSize = partSize;
        this.pageSize = pageSize;
    }

    @Override
    public String location() {
        return s3.url();
    }

    /** Whether the service was found to honour If-None-Match; empty before the first write. */
    Optional<Boolean> conditionalWrites() {
        return Optional.ofNullable(conditionalWrites);
    }

    private String objectKey(String key) {
        return root + Keys.check(key);
    }

    @Override
    public void list(String prefix, Consumer<StoreStat> each) {
        Keys.checkPrefix(prefix);
        try {
            // ListObjectsV2 pages in ascending UTF-8 byte order: memory holds one page at a time
            for (S3Object o : s3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(root + prefix).maxKeys(pageSize)).contents()) {
                String key = o.key().substring(root.length());
                if (isKey(key)) {
                    each.accept(new StoreStat(key, o.size(), o.lastModified()));
                }
            }
        } catch (SdkException e) {
            throw s3.failure("listing " + root + prefix, e);
        }
    }

    /** Objects that are not keys (a probe, a person's upload, "folder" markers) are not listed. */
    private static boolean isKey(String key) {
        try {
            Keys.check(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public Optional<StoreStat> stat(String key) {
        String k = objectKey(key);
        try {
            HeadObjectResponse h = s3.client().headObject(b -> b.bucket(bucket).key(k));
            return Optional.of(new StoreStat(key, h.contentLength(), h.lastModified()));
        } catch (SdkException e) {
            if (S3Access.notFound(e)) {
                return Optional.empty();
            }
            throw s3.failure("reading the attributes of " + k, e);
        }
    }

    @Override
    public InputStream read(String key) {
        String k = objectKey(key);
        try {
            return s3.client().getObject(b -> b.bucket(bucket).key(k));
        } catch (SdkException e) {
            if (S3Access.notFound(e)) {
                throw new NoSuchObjectException(location(), key);
            }
            throw s3.failure("reading " + k, e);
        }
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
        }
        String k = objectKey(key);
        if (length == 0) {
            if (stat(key).isEmpty()) {
                throw new NoSuchObjectException(location(), key);
            }
            return InputStream.nullInputStream(); // a Range must name at least one byte
        }
        try {
            return s3.client().getObject(b -> b.bucket(bucket).key(k).range("bytes=" + offset + "-" + (offset + length - 1)));
        } catch (SdkException e) {
            if (S3Access.notFound(e)) {
                throw new NoSuchObjectException(location(), key);
            }
            if (e instanceof S3Exception se && se.statusCode() == 416) {
                return InputStream.nullInputStream(); // InvalidRange: the object ends before offset
            }
            throw s3.failure("reading " + k, e);
        }
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] bytes) {
        String k = objectKey(key);
        ReentrantLock lock = keyLocks.of(key);
        lock.lock();
        try {
            if (bytes.length <= partSize) {
                return putSmall(k, bytes, bytes.length);
            }
            return putInParts(k, new ByteArrayInputStream(bytes), bytes.length);
        } catch (IOException e) {
            throw new IllegalStateException(e); // no I/O on a byte array
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean writeIfAbsent(String key, Path file) {
        String k = objectKey(key);
        ReentrantLock lock = keyLocks.of(key);
        lock.lock();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size <= partSize) {
                byte[] buf = new byte[(int) size];
                ByteBuffer b = ByteBuffer.wrap(buf);
                while (b.hasRemaining() && in.read(b) >= 0) {
                    // read it all: the source shrinking meanwhile leaves the rest zero, checked below
                }
                if (b.hasRemaining()) {
                    throw new OwuiException("cannot store " + key + ": its source " + file + " shrank while it was read", "this is a bug: report it");
                }
                return putSmall(k, buf, buf.length);
            }
            return putInParts(k, java.nio.channels.Channels.newInputStream(in), size);
        } catch (NoSuchFileException e) {
            throw new OwuiException("cannot store " + key + ": its source " + file + " does not exist", "this is a bug: report it", e);
        } catch (IOException e) {
            throw new OwuiException("cannot read " + file + " to store it as " + key + ": " + e.getMessage(), "check the local disk", e);
        } finally {
            lock.unlock();
        }
    }

    /** One PUT; false when the key exists. */
    private boolean putSmall(String k, byte[] buf, int len) {
        boolean conditional = conditional();
        try {
            if (!conditional) {
                if (exists(k)) {
                    return false;
                }
                s3.client().putObject(b -> b.bucket(bucket).key(k), body(buf, len));
                return true;
            }
            s3.client().putObject(b -> b.bucket(bucket).key(k).ifNoneMatch("*"), body(buf, len));
            return true;
        } catch (SdkException e) {
            if (conditional && e instanceof S3Exception se && se.statusCode() == PRECONDITION_FAILED) {
                return false;
            }
            if (conditional && e instanceof S3Exception se && se.statusCode() == CONFLICT && exists(k)) {
                return false; // S3's answer to a conditional write racing another one that won
            }
            throw s3.failure("storing " + k, e);
        }
    }

    /**
     * A multipart upload in parts of {@link #partSize} (more when the object needs over 9,000).
     * The object appears only when the upload completes; a failure aborts it (an abort that
     * fails too, the service gone, leaves an upload that {@link #removeStaleTemps} collects).
     */
    private boolean putInParts(String k, InputStream in, long size) throws IOException {
        if (exists(k)) {
            return false; // 16 MiB and more are not uploaded to be refused at the end
        }
        boolean conditional = conditional();
        long needed = (size + PARTS_PLANNED - 1) / PARTS_PLANNED;
        long mib = 1 << 20;
        int part = (int) Math.max(partSize, (needed + mib - 1) / mib * mib);
        String uploadId;
        try {
            uploadId = s3.client().createMultipartUpload(b -> b.bucket(bucket).key(k)).uploadId();
        } catch (SdkException e) {
            throw s3.failure("starting the upload of " + k, e);
        }
        boolean done = false;
        try {
            byte[] buf = new byte[part];
            List<CompletedPart> parts = new ArrayList<>();
            int n;
            while ((n = in.readNBytes(buf, 0, part)) > 0) {
                int number = parts.size() + 1;
                int len = n;
                UploadPartResponse r;
                try {
                    r = s3.client().uploadPart(b -> b.bucket(bucket).key(k).uploadId(uploadId).partNumber(number), body(buf, len));
                } catch (SdkException e) {
                    throw s3.failure("storing part " + number + " of " + k, e);
                }
                parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).build());
            }
            try {
                s3.client().completeMultipartUpload(b -> {
                    b.bucket(bucket).key(k).uploadId(uploadId).multipartUpload(m -> m.parts(parts));
                    if (conditional) {
                        b.ifNoneMatch("*");
                    }
                });
            } catch (SdkException e) {
                if (conditional && e instanceof S3Exception se && (se.statusCode() == PRECONDITION_FAILED
                        || se.statusCode() == CONFLICT && exists(k))) {
                    return false; // another process stored it meanwhile; the finally aborts ours
                }
                throw s3.failure("completing the upload of " + k, e);
            }
            done = true;
            return true;
        } finally {
            if (!done) {
                abort(k, uploadId);
            }
        }
    }

    private void abort(String k, String uploadId) {
        try {
            s3.client().abortMultipartUpload(b -> b.bucket(bucket).key(k).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the service is gone or refuses: removeStaleTemps aborts it later
        }
    }

    private boolean exists(String k) {
        try {
            s3.client().headObject(b -> b.bucket(bucket).key(k));
            return true;
        } catch (SdkException e) {
            if (S3Access.notFound(e)) {
                return false;
            }
            throw s3.failure("checking for " + k, e);
        }
    }

    /** Whether writes can rely on If-None-Match; asked of the service once, by the first write. */
    private boolean conditional() {
        Boolean c = conditionalWrites;
        if (c == null) {
            synchronized (this) {
                if (conditionalWrites == null) {
                    conditionalWrites = probeConditionalWrites();
                }
                c = conditionalWrites;
            }
        }
        return c;
    }

    /**
     * Puts an empty probe object twice with If-None-Match: a 412 the second time means the
     * service honours the header; a second success that it ignores it; a 400 or 501 at once that
     * it refuses it. The probe's name holds '~', so it is never a key, and it is removed again.
     */
    private boolean probeConditionalWrites() {
        String probe = root + "owui-probe~" + UUID.randomUUID();
        try {
            try {
                s3.client().putObject(b -> b.bucket(bucket).key(probe).ifNoneMatch("*"), RequestBody.empty());
            } catch (S3Exception e) {
                if (e.statusCode() == 501 || e.statusCode() == 400) {
                    return false; // NotImplemented, or a header it does not take
                }
                throw e;
            }
            try {
                s3.client().putObject(b -> b.bucket(bucket).key(probe).ifNoneMatch("*"), RequestBody.empty());
                return false; // replaced: the header was ignored
            } catch (S3Exception e) {
                if (e.statusCode() == PRECONDITION_FAILED) {
                    return true;
                }
                if (e.statusCode() == 501 || e.statusCode() == 400) {
                    return false;
                }
                throw e;
            }
        } catch (SdkException e) {
            throw s3.failure("checking whether the service supports conditional writes", e);
        } finally {
            try {
                s3.client().deleteObject(b -> b.bucket(bucket).key(probe));
            } catch (SdkException ignored) {
                // an empty object whose name is no key: never listed, harmless
            }
        }
    }

    /** A body that the signer and retries can read again, never copied. */
    private static RequestBody body(byte[] buf, int len) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, len), len, "application/octet-stream");
    }

    /**
     * A HeadObject costs a request and a round trip as a PutObject does, and a conditional PUT
     * answers "exists" (412) by itself; objects of 16 MiB and more are checked for here anyway
     * before their upload starts, and services that ignore If-None-Match get a HeadObject here
     * before each PutObject.
     */
    @Override
    public boolean existenceCheckIsCheap() {
        return false;
    }

    @Override
    public void delete(String key) {
        String k = objectKey(key);
        try {
            s3.client().deleteObject(b -> b.bucket(bucket).key(k)); // S3 answers 204 for an absent key too
        } catch (SdkException e) {
            if (S3Access.notFound(e)) {
                return;
            }
            throw s3.failure("removing " + k, e);
        }
    }

    @Override
    public Optional<HardLinks> hardLinks() {
        return Optional.empty();
    }

    /** Aborts the multipart uploads under {@code prefix} started before now minus {@code olderThan}. */
    @Override
    public int removeStaleTemps(String prefix, Duration olderThan) {
        Keys.checkPrefix(prefix);
        Instant cutoff = Instant.now().minus(olderThan);
        int removed = 0;
        try {
            for (MultipartUpload u : s3.client().listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(root + prefix)).uploads()) {
                // S3 reports when an upload began; S3Proxy reports the listing's own time (so there
                // only an age of zero takes any: the safe side)
                boolean stale = olderThan.isZero() || u.initiated() != null && u.initiated().isBefore(cutoff);
                if (stale) {
                    s3.client().abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw s3.failure("aborting stale uploads under " + root + prefix, e);
        }
        return removed;
    }

    @Override
    public void close() {
        s3.close();
    }
}
