package dev.owui.backup.external;

import dev.owui.backup.OwuiException;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.s3.S3Access;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The backup's side of uploads Open WebUI keeps in S3 (FORMAT.md, "Uploads in object storage"):
 * the captured webui.db's {@code file} rows name the objects; {@link #plan} lists them at the
 * provider (one ListObjectsV2 per key prefix, a thousand keys a request, rather than a request
 * per object), and the backup stores each as an {@link Entry#EXTERNAL} entry under
 * {@code _outside-data-dir/object-storage/s3/<bucket>/<key>}. An object whose size and ETag in the
 * listing match the previous backup's entry is {@link #unchanged} and reused without a GET, as an
 * unchanged file is by its size and mtime; others are {@link #fetch fetched} into the staging
 * folder and stored like any file. A row whose object is not there is a warning naming the row
 * (Open WebUI leaves such rows behind as it leaves files without rows), never a failure.
 */
public final class ExternalCapture implements AutoCloseable {
    /** An object to back up, with what the listing said about it. */
    public record Item(ExternalObject object, String path, long size, String etag, Instant lastModified) {
    }

    /** An object read into a local file, with what the GET said about it (it may have changed since the listing). */
    public record Fetched(Path file, long size, String etag, Instant lastModified) {
    }

    private final StorageProvider provider;
    private final EngineLog log;
    private final Consumer<String> warn;
    private final Map<String, S3Access> clients = new HashMap<>();
    private final List<Item> items = new ArrayList<>();
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong fetched = new AtomicLong();
    private int rows;

    private ExternalCapture(StorageProvider provider, EngineLog log, Consumer<String> warn) {
        this.provider = provider;
        this.log = log;
        this.warn = warn;
    }

    /**
     * Lists the objects the rows name. Without a provider nothing is read (the rows stay listed in
     * the facts as not in the backup, as before); rows of Open WebUI's gcs and azure providers are
     * not copied (said once). Fails, naming the provider and the settings.xml server, when the
     * provider refuses the key or has no such bucket.
     */
    public static ExternalCapture plan(StorageProvider provider, List<String> externalRows, EngineLog log, Consumer<String> warn) {
        ExternalCapture c = new ExternalCapture(provider, log, warn);
        c.rows = externalRows.size();
        if (provider == null || externalRows.isEmpty()) {
            return c;
        }
        Map<String, Map<String, ExternalObject>> byBucket = new TreeMap<>();
        List<String> other = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        for (String row : externalRows) {
            ExternalObject o = ExternalObject.parse(row);
            if (!"s3".equals(o.provider())) {
                other.add(row);
            } else if (o.path() == null) {
                unusable.add(row);
            } else {
                byBucket.computeIfAbsent(o.bucket(), b -> new LinkedHashMap<>()).putIfAbsent(o.key(), o);
            }
        }
        if (!other.isEmpty()) {
            warn.accept(other.size() + " file row(s) name uploads in Google Cloud Storage or Azure (e.g. " + other.get(0)
                    + "): only STORAGE_PROVIDER=s3 uploads are copied into the backup; back those up with the provider's own tools");
        }
        if (!unusable.isEmpty()) {
            warn.accept(unusable.size() + " file row(s) name an S3 object whose key has an empty, '.' or '..' part (e.g. " + unusable.get(0)
                    + "): not in this backup");
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Map<String, ExternalObject>> b : byBucket.entrySet()) {
            c.list(b.getKey(), b.getValue(), missing);
        }
        c.items.sort((x, y) -> PathOrder.INSTANCE.compare(x.path(), y.path()));
        c.missing(missing);
        return c;
    }

    private void list(String bucket, Map<String, ExternalObject> wanted, List<String> missing) {
        S3Access a = client(bucket);
        // Open WebUI puts every upload under one prefix (S3_KEY_PREFIX): a listing of that folder alone
        Set<String> prefixes = new java.util.TreeSet<>();
        wanted.keySet().forEach(k -> prefixes.add(k.substring(0, k.lastIndexOf('/') + 1)));
        Map<String, S3Object> found = new HashMap<>();
        try {
            for (String prefix : prefixes) {
                ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).delimiter("/").build();
                for (ListObjectsV2Response page : a.client().listObjectsV2Paginator(req)) {
                    for (S3Object o : page.contents()) {
                        if (wanted.containsKey(o.key())) {
                            found.put(o.key(), o);
                        }
                    }
                }
            }
        } catch (S3Exception e) {
            if (e.statusCode() != 403) {
                throw provider.failure(a, bucket, "listing the uploads' prefix", e);
            }
            // a key allowed s3:GetObject but not s3:ListBucket: ask for each object instead
            log.info(provider.describe(bucket) + " does not allow listing; asking for each of " + wanted.size() + " object(s)");
            headEach(a, bucket, wanted, missing);
            return;
        } catch (SdkException e) {
            throw provider.failure(a, bucket, "listing the uploads' prefix", e);
        }
        for (ExternalObject o : wanted.values()) {
            S3Object s = found.get(o.key());
            if (s == null) {
                missing.add(o.row());
            } else {
                items.add(new Item(o, o.path(), s.size(), etag(s.eTag()), s.lastModified()));
            }
        }
    }

    private void headEach(S3Access a, String bucket, Map<String, ExternalObject> wanted, List<String> missing) {
        for (ExternalObject o : wanted.values()) {
            try {
                HeadObjectResponse h = a.client().headObject(r -> r.bucket(bucket).key(o.key()));
                items.add(new Item(o, o.path(), h.contentLength(), etag(h.eTag()), h.lastModified()));
            } catch (SdkException e) {
                if (!S3Access.notFound(e)) {
                    throw provider.failure(a, bucket, "asking for " + o.key(), e);
                }
                missing.add(o.row());
            }
        }
    }

    private void missing(List<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        missing.sort(null);
        int shown = Math.min(10, missing.size());
        warn.accept(missing.size() + " file row(s) name an object that is not in the bucket (Open WebUI leaves such rows after failed"
                + " uploads or deletions): " + String.join(", ", missing.subList(0, shown)) + (shown < missing.size() ? ", …" : "")
                + "; not in this backup");
    }

    private S3Access client(String bucket) {
        return clients.computeIfAbsent(bucket, provider::open);
    }

    /** The objects to back up, in path order (as the backup's entries are). */
    public List<Item> items() {
        return List.copyOf(items);
    }

    /**
     * Whether {@code before} (the previous backup's entry at the item's path) holds the object as
     * listed now: same size and ETag (Last-Modified when either has no ETag). The caller adds its
     * own rules (stored alike, not recorded damaged, not owui.full).
     */
    public boolean unchanged(Item item, Entry before) {
        if (before == null || !Entry.EXTERNAL.equals(before.type()) || before.size() == null || before.size() != item.size()) {
            return false;
        }
        if (before.etag() != null && item.etag() != null) {
            return before.etag().equals(item.etag());
        }
        return Objects.equals(before.mtime(), item.lastModified());
    }

    /**
     * Reads the object into a new file in {@code staging}, or returns null (with a warning naming
     * the row) when it was deleted since the listing.
     */
    public Fetched fetch(Item item, Path staging) throws IOException {
        ExternalObject o = item.object();
        S3Access a = client(o.bucket());
        Path file = staging.resolve("object-storage-" + fetched.incrementAndGet());
        try {
            GetObjectResponse r = a.client().getObject(q -> q.bucket(o.bucket()).key(o.key()), ResponseTransformer.toFile(file));
            long size = Files.size(file);
            if (r.contentLength() != null && r.contentLength() != size) {
                throw new OwuiException(provider.describe(o.bucket()) + ": " + o.row() + " arrived as " + size + " bytes, the service said "
                        + r.contentLength(), "run the backup again; nothing was changed at the provider");
            }
            return new Fetched(file, size, etag(r.eTag()), r.lastModified());
        } catch (SdkException e) {
            Files.deleteIfExists(file);
            if (S3Access.notFound(e)) {
                warn.accept("file row " + o.row() + " names an object deleted since it was listed; not in this backup");
                return null;
            }
            throw provider.failure(a, o.bucket(), "reading " + o.key(), e);
        }
    }

    /** An entry of this kind reached the backup (reused or read). */
    public void held(String path) {
        held.add(path);
    }

    /**
     * Says which of the facts' external rows the backup does not hold. Without a provider that is
     * all of them, with what to set; with one, the rows already warned about (missing, not s3).
     */
    public void report(List<String> externalRows) {
        if (externalRows.isEmpty()) {
            return;
        }
        if (provider == null) {
            warn.accept(externalRows.size() + " file row(s) point at external storage (" + externalRows.get(0)
                    + "…); those files are not in this backup (for STORAGE_PROVIDER=s3, set owui.storage.serverId, and owui.storage.endpoint"
                    + " for an S3-compatible service, to copy them in)");
            return;
        }
        log.info(held.size() + " of " + rows + " upload(s) in object storage are in this backup (" + fetched.get() + " read from the provider, "
                + (held.size() - Math.min(held.size(), fetched.get())) + " unchanged)");
    }

    /** {@code a} and {@code b}, each in path order, as one sequence in path order; an item of {@code b} at a path of {@code a} is dropped. */
    public static <T> Iterator<T> merge(Iterator<T> a, Iterator<T> b, Function<T, String> path) {
        return new Iterator<>() {
            T x = a.hasNext() ? a.next() : null;
            T y = b.hasNext() ? b.next() : null;

            @Override
            public boolean hasNext() {
                return x != null || y != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int c = x == null ? 1 : y == null ? -1 : PathOrder.INSTANCE.compare(path.apply(x), path.apply(y));
                T out;
                if (c <= 0) {
                    out = x;
                    x = a.hasNext() ? a.next() : null;
                    if (c == 0) {
                        y = b.hasNext() ? b.next() : null;
                    }
                } else {
                    out = y;
                    y = b.hasNext() ? b.next() : null;
                }
                return out;
            }
        };
    }

    static String etag(String e) {
        return e == null ? null : e.replace("\"", "");
    }

    @Override
    public void close() {
        clients.values().forEach(S3Access::close);
        clients.clear();
    }

    /** Paths of this backup's object storage entries held so far (for tests and reports). */
    Set<String> heldPaths() {
        return new HashSet<>(held);
    }
}
