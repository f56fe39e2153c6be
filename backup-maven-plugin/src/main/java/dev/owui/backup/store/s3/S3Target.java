package dev.owui.backup.store.s3;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.format.ManifestCodec;
import dev.owui.backup.store.BackupWriter;
import dev.owui.backup.store.Cleanup;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetLock;
import dev.owui.backup.store.TargetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A target in an S3 bucket (AWS, or B2, R2, MinIO, Wasabi… through an endpoint):
 * {@code <prefix>/<instance>/<backup id>/<path>}, the same tree as every target, with
 * manifest.json written last. S3 has no rename, so a backup being written is its id's own prefix
 * without a manifest: never listed by {@link #backups}, reported by {@link #incomplete}, removed
 * by {@link #removeIncomplete}. Unchanged files are shared by server-side copy; symbolic links
 * live only in the manifest.
 */
public final class S3Target implements Target {
    private final S3Location loc;
    private final S3Client s3;
    private final S3Failures.Where where;
    private final Tuning tuning;
    private volatile boolean batchDeletes = true;
    /** Manifest checks in flight at once when listing backups. */
    static final int HEADS_AT_ONCE = 8;
    private final LocalCopies downloads = new LocalCopies("owui-s3-download-");

    /**
     * Sizes of transfers: parts of a multipart upload, and above what size a server-side copy
     * goes in parts (S3 copies at most 5 GiB in one request).
     */
    record Tuning(int partSize, long copyInOneUpTo) {
        static final Tuning DEFAULT = new Tuning(16 << 20, 5L << 30);
    }

    S3Target(S3Location loc, S3Clients.Built built, Tuning tuning) {
        this.loc = loc;
        this.s3 = built.client();
        this.where = new S3Failures.Where(loc.url(), loc.bucket(), built.endpoint(), built.region(), built.serverId());
        this.tuning = tuning;
    }

    /** Opens {@code s3://bucket[/prefix]} with the spec's region, endpoint, path style and server id. */
    public static S3Target open(TargetSpec spec, TargetContext ctx) {
        return open(spec, ctx, Tuning.DEFAULT);
    }

    static S3Target open(TargetSpec spec, TargetContext ctx, Tuning tuning) {
        return open(spec, ctx, tuning, List.of());
    }

    /** With SDK interceptors: tests look at what goes over the wire. */
    static S3Target open(TargetSpec spec, TargetContext ctx, Tuning tuning, List<ExecutionInterceptor> interceptors) {
        S3Location loc = S3Location.parse(spec.url());
        return new S3Target(loc, S3Clients.create(spec, ctx, loc, interceptors), tuning);
    }

    S3Location loc() {
        return loc;
    }

    S3Client client() {
        return s3;
    }

    Tuning tuning() {
        return tuning;
    }

    S3Failures.Where where() {
        return where;
    }

    @Override
    public String location() {
        return loc.url();
    }

    /** Runs one S3 call, turning SDK failures into the operator's message. */
    <T> T call(String doing, Supplier<T> op) {
        try {
            return op.get();
        } catch (SdkException e) {
            throw S3Failures.of(where, doing, e);
        }
    }

    /** The shell command that removes one object, for messages (the AWS CLI, with the endpoint when there is one). */
    String removeCommand(String key) {
        return "aws s3 rm 's3://" + loc.bucket() + "/" + key.replace("'", "'\\''") + "'"
                + (where.endpoint() != null ? " --endpoint-url " + where.endpoint() : "");
    }

    /**
     * S3 has no folders: a prefix exists once an object is under it. One listing of at most one
     * key; a missing bucket fails here with S3Failures' message (it names the bucket and the endpoint).
     */
    @Override
    public boolean exists() {
        return call("listing s3://" + loc.bucket() + "/" + loc.root(), () -> {
            ListObjectsV2Response r = s3.listObjectsV2(b -> b.bucket(loc.bucket()).prefix(loc.root()).maxKeys(1));
            return loc.root().isEmpty() || !r.contents().isEmpty();
        });
    }

    @Override
    public List<String> instances() {
        List<String> out = new ArrayList<>();
        for (String name : folders(loc.root())) {
            if (!name.startsWith(".")) {
                out.add(name);
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public List<String> backups(String instance) {
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : trees(instance).entrySet()) {
            if (e.getValue()) {
                ids.add(e.getKey());
            }
        }
        ids.sort(BackupId::compare);
        return ids;
    }

    @Override
    public List<String> format3Ids(String instance) {
        String prefix = loc.instancePrefix(instance) + "backups/";
        List<String> ids = new ArrayList<>();
        for (S3Object o : objects(prefix)) {
            String n = o.key().substring(prefix.length());
            if (n.endsWith(".json") && BackupId.isValid(n.substring(0, n.length() - 5))) {
                ids.add(n.substring(0, n.length() - 5));
            }
        }
        return ids;
    }

    @Override
    public List<String> incomplete(String instance) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : trees(instance).entrySet()) {
            if (!e.getValue()) {
                out.add(e.getKey());
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The backup-id folders of an instance, each with whether its manifest is there: one listing,
     * then one HEAD per backup, {@value #HEADS_AT_ONCE} at a time (a target keeping a year of
     * dailies answers in a few round trips, not 365).
     */
    private Map<String, Boolean> trees(String instance) {
        List<String> ids = folders(loc.instancePrefix(instance)).stream().filter(BackupId::isValid).toList();
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (ids.size() <= 1) {
            ids.forEach(id -> out.put(id, exists(loc.backupPrefix(instance, id) + Manifest.FILE_NAME)));
            return out;
        }
        ExecutorService heads = Executors.newFixedThreadPool(Math.min(HEADS_AT_ONCE, ids.size()), r -> {
            Thread t = new Thread(r, "owui-s3-list");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<Boolean>> asked = new LinkedHashMap<>();
            for (String id : ids) {
                asked.put(id, heads.submit(() -> exists(loc.backupPrefix(instance, id) + Manifest.FILE_NAME)));
            }
            for (Map.Entry<String, Future<Boolean>> e : asked.entrySet()) {
                out.put(e.getKey(), e.getValue().get());
            }
            return out;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("interrupted listing the backups at " + location(), null);
        } finally {
            heads.shutdownNow();
        }
    }

    /** The "folder" names (common prefixes) directly under a key prefix. */
    List<String> folders(String prefix) {
        return call("listing s3://" + loc.bucket() + "/" + prefix, () -> {
            List<String> out = new ArrayList<>();
            ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(loc.bucket()).prefix(prefix).delimiter("/").build();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(req)) {
                for (CommonPrefix cp : page.commonPrefixes()) {
                    String p = cp.prefix();
                    out.add(p.substring(prefix.length(), p.length() - 1));
                }
            }
            return out;
        });
    }

    /** Every object under a key prefix. */
    List<S3Object> objects(String prefix) {
        return call("listing s3://" + loc.bucket() + "/" + prefix, () -> {
            List<S3Object> out = new ArrayList<>();
            ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(loc.bucket()).prefix(prefix).build();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(req)) {
                out.addAll(page.contents());
            }
            return out;
        });
    }

    boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(loc.bucket()).key(key));
            return true;
        } catch (SdkException e) {
            if (S3Failures.notFound(e)) {
                return false;
            }
            throw S3Failures.of(where, "reading s3://" + loc.bucket() + "/" + key, e);
        }
    }

    /** The bytes of an object, or null when it is not there. */
    byte[] readIfThere(String key) {
        try {
            return s3.getObjectAsBytes(b -> b.bucket(loc.bucket()).key(key)).asByteArray();
        } catch (SdkException e) {
            if (S3Failures.notFound(e)) {
                return null;
            }
            throw S3Failures.of(where, "reading s3://" + loc.bucket() + "/" + key, e);
        }
    }

    void put(String key, byte[] content) {
        call("writing s3://" + loc.bucket() + "/" + key,
                () -> s3.putObject(b -> b.bucket(loc.bucket()).key(key), RequestBody.fromBytes(content)));
    }

    /**
     * Deletes keys, a thousand per DeleteObjects request (S3's batch limit). A service that
     * refuses the batch call (S3Proxy 3.0.0 answers 501 to the x-amz-checksum-crc32 header the
     * SDK must send with it) gets one DeleteObject per key from then on.
     */
    void deleteKeys(List<String> keys) {
        for (int from = 0; from < keys.size(); from += 1000) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
            if (batchDeletes && batch.size() > 1) {
                try {
                    deleteBatch(batch);
                    continue;
                } catch (SdkException e) {
                    if (!(e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3e) || s3e.statusCode() != 501) {
                        throw S3Failures.of(where, "removing objects from s3://" + loc.bucket() + "/" + batch.get(0) + "…", e);
                    }
                    batchDeletes = false;
                }
            }
            for (String k : batch) {
                call("removing s3://" + loc.bucket() + "/" + k, () -> s3.deleteObject(b -> b.bucket(loc.bucket()).key(k)));
            }
        }
    }

    private void deleteBatch(List<String> batch) {
        List<ObjectIdentifier> ids = batch.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        DeleteObjectsResponse r = s3.deleteObjects(b -> b.bucket(loc.bucket()).delete(Delete.builder().objects(ids).quiet(true).build()));
        if (r.hasErrors() && !r.errors().isEmpty()) {
            S3Error first = r.errors().get(0);
            throw new OwuiException("target " + loc.url() + " refused to remove " + r.errors().size() + " object(s), e.g. "
                    + first.key() + " (" + first.code() + ": " + first.message() + ")",
                    "check the key's s3:DeleteObject permission; what remains is no complete backup and the next run retries");
        }
    }

    /** Removes every object under a prefix and aborts unfinished multipart uploads there. */
    void deletePrefix(String prefix) {
        deleteKeys(objects(prefix).stream().map(S3Object::key).toList());
        abortUploads(prefix);
    }

    /** Aborts the multipart uploads under a prefix (left by a run that died mid-transfer: they cost storage). */
    void abortUploads(String prefix) {
        List<MultipartUpload> uploads;
        try {
            uploads = s3.listMultipartUploadsPaginator(b -> b.bucket(loc.bucket()).prefix(prefix)).uploads().stream().toList();
        } catch (SdkException e) {
            return; // a service without ListMultipartUploads: a bucket lifecycle rule cleans them instead
        }
        for (MultipartUpload u : uploads) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(loc.bucket()).key(u.key()).uploadId(u.uploadId()));
            } catch (SdkException ignored) {
                // gone already, or refused: it never counted as a file
            }
        }
    }

    /**
     * Removes the id prefixes without a manifest. Finding them ({@link #incomplete}: the listing
     * of the instance and a HEAD per id) still fails as {@link #backups} would: that is what
     * exists, and the new id and the previous backup are chosen from it. Emptying one of them is
     * clean-up: a prefix the service cannot list or delete now (a 500 after a crash of the S3
     * server) stays, with a warning, and the next run tries again.
     */
    @Override
    public Cleanup removeIncomplete(String instance) {
        List<String> removed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String id : incomplete(instance)) {
            String refused = removeLeftover(loc.backupPrefix(instance, id));
            if (refused == null) {
                removed.add(id);
            } else {
                left.add(refused);
            }
        }
        return new Cleanup(removed, left);
    }

    /** Empties a prefix that no longer counts as a backup; null when done, else the warning naming it and the failure. */
    private String removeLeftover(String prefix) {
        try {
            deletePrefix(prefix);
            return null;
        } catch (OwuiException e) {
            return Cleanup.leftover("s3://" + loc.bucket() + "/" + prefix, e.problem());
        }
    }

    /** One PUT is atomic on S3: a record is there whole or not at all. Objects are private unless the bucket says otherwise. */
    @Override
    public void writeDamageRecord(String instance, String name, byte[] json) {
        put(damagePrefix(instance) + name, json);
    }

    @Override
    public Map<String, byte[]> damageRecords(String instance) {
        String prefix = damagePrefix(instance);
        Map<String, byte[]> out = new java.util.TreeMap<>();
        for (S3Object o : objects(prefix)) {
            String name = o.key().substring(prefix.length());
            byte[] bytes = name.endsWith(".json") && !name.contains("/") ? readIfThere(o.key()) : null;
            if (bytes != null) {
                out.put(name, bytes);
            }
        }
        return out;
    }

    @Override
    public void removeDamageRecord(String instance, String name) {
        deleteKeys(List.of(damagePrefix(instance) + name));
    }

    /** {@code <prefix>/<instance>/damage/}: not a backup id, so listing and removeIncomplete pass it by. */
    private String damagePrefix(String instance) {
        return loc.instancePrefix(instance) + dev.owui.backup.format.DamageRecord.DIR + "/";
    }

    @Override
    public Manifest manifest(String instance, String backupId) {
        return readManifest(instance, backupId, false);
    }

    @Override
    public Manifest summary(String instance, String backupId) {
        return readManifest(instance, backupId, true);
    }

    private Manifest readManifest(String instance, String backupId, boolean headerOnly) {
        String key = loc.backupPrefix(instance, backupId) + Manifest.FILE_NAME;
        String shown = "s3://" + loc.bucket() + "/" + key;
        byte[] bytes = readIfThere(key);
        if (bytes == null) {
            throw new OwuiException("no backup " + backupId + " of instance " + instance + " at " + location(),
                    "run owui:list to see the backups there");
        }
        InputStream in = new java.io.ByteArrayInputStream(bytes);
        return headerOnly ? ManifestCodec.readSummary(in, shown) : ManifestCodec.read(in, shown);
    }

    /** The stored bytes of one file, streamed; a missing file is a {@link NoSuchFileException}, as on a local target. */
    @Override
    public InputStream open(String instance, String backupId, String path) throws IOException {
        String key = loc.key(instance, backupId, path);
        try {
            return s3.getObject(b -> b.bucket(loc.bucket()).key(key));
        } catch (SdkException e) {
            if (S3Failures.notFound(e)) {
                throw new NoSuchFileException(location() + "/" + instance + "/" + backupId + "/" + path);
            }
            throw S3Failures.of(where, "reading s3://" + loc.bucket() + "/" + key, e);
        }
    }

    /**
     * Downloads one stored file to a local temp file (SQLite needs a file); the copies live in a
     * folder that {@link #close()} removes. Stored objects never change, so a copy made earlier
     * in the run is reused.
     */
    @Override
    public Path localFile(String instance, String backupId, String path) throws IOException {
        try {
            return downloads.get(instance, backupId, path, () -> open(instance, backupId, path));
        } catch (SdkException e) {
            throw S3Failures.of(where, "downloading " + path + " of backup " + backupId, e);
        }
    }

    @Override
    public TargetLock lock(String instance) {
        return S3Lock.acquire(this, instance);
    }

    /**
     * Removes a backup: its manifest first, so from that moment it is an incomplete tree (which
     * the next run's {@link #removeIncomplete} finishes off), never a complete-looking backup
     * with files missing. Copies shared with later backups are separate objects and stay.
     */
    @Override
    public Optional<String> delete(String instance, String backupId) {
        if (!BackupId.isValid(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + backupId);
        }
        String prefix = loc.backupPrefix(instance, backupId);
        deleteKeys(List.of(prefix + Manifest.FILE_NAME)); // fails while the backup still counts
        return Optional.ofNullable(removeLeftover(prefix));
    }

    /** Every object of these backups: S3 has no links, a shared file is a copy each backup pays for in full. */
    @Override
    public java.util.OptionalLong freedBy(String instance, java.util.Collection<String> backupIds) {
        long freed = 0;
        for (String id : backupIds) {
            for (S3Object o : objects(loc.backupPrefix(instance, id))) {
                freed += o.size();
            }
        }
        return java.util.OptionalLong.of(freed);
    }

    @Override
    public BackupWriter begin(String instance, String backupId) {
        String prefix = loc.backupPrefix(instance, backupId);
        deletePrefix(prefix); // a leftover of a crashed run with this id: we hold the lock, nobody else writes it
        Path staging;
        try {
            staging = Files.createTempDirectory("owui-s3-staging-");
        } catch (IOException e) {
            throw new OwuiException("cannot create a local staging folder for the database copies: " + e.getMessage(),
                    "check the temp directory (java.io.tmpdir) has room for webui.db", e);
        }
        return new S3BackupWriter(this, instance, backupId, staging);
    }

    /** Closes the HTTP connections and removes the local copies made by {@link #localFile}. */
    @Override
    public void close() {
        s3.close();
        downloads.close();
    }

}
