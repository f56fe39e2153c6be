package dev.owui.backup.external;

import dev.owui.backup.OwuiException;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.store.s3.S3Access;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The restore's side of uploads kept in object storage: the {@link Entry#EXTERNAL} entries of a
 * backup, already written and checked (size, SHA-256) under the restore's staging folder, go
 * either back into the provider's bucket (PUT, after checking every key first: an existing object
 * of other content is refused unless forced, the same one is left alone) or, without a provider,
 * into a folder beside the restored data directory ({@code <data dir>.object-storage/s3/<bucket>/<key>}),
 * never into the data directory itself.
 */
public final class ExternalRestore {
    /**
     * Where the objects go.
     *
     * @param provider the provider to put them back into, or null for files in {@code folder}
     * @param force    replace an existing object of other content (with a provider)
     * @param folder   without a provider: the folder to write them into (null: beside the data directory)
     */
    public record Destination(StorageProvider provider, boolean force, Path folder) {
        public static Destination bucket(StorageProvider provider, boolean force) {
            return new Destination(provider, force, null);
        }

        public static Destination folder(Path folder) {
            return new Destination(null, false, folder);
        }
    }

    /** What was placed: how many objects, and where (a folder, or "bucket …"). */
    public record Result(long objects, long alreadyThere, String where) {
    }

    private ExternalRestore() {
    }

    /** The default folder beside a data directory: {@code <data dir>.object-storage}. */
    public static Path besideDataDir(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".object-storage");
    }

    /**
     * Places the staged objects ({@code staged}: the staging folder's {@code _outside-data-dir/object-storage},
     * holding {@code s3/<bucket>/<key>} as restore wrote them) and removes them from the staging
     * folder, so that nothing of them moves into the data directory.
     *
     * @param entries   the backup's external entries that were staged (for their recorded ETag)
     * @param d         where to (null: a folder beside {@code dataDir})
     * @param dataDir   the data directory being restored (for the default folder)
     */
    public static Result place(Path staged, List<Entry> entries, Destination d, Path dataDir, EngineLog log) throws IOException {
        if (entries.isEmpty()) {
            return new Result(0, 0, null);
        }
        Result r = d != null && d.provider() != null ? putBack(staged, entries, d, log) : toFolder(staged, entries.size(),
                d != null && d.folder() != null ? d.folder() : besideDataDir(dataDir), log);
        LocalCopies.deleteTree(staged.getParent()); // _outside-data-dir: nothing of it belongs in the data directory
        return r;
    }

    private static Result toFolder(Path staged, long n, Path folder, EngineLog log) throws IOException {
        Path dest = folder.toAbsolutePath().normalize();
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !isEmptyDir(dest)) {
            // an earlier restore's: kept, and this one's beside it
            dest = dest.resolveSibling(dest.getFileName() + "-" + dev.owui.backup.format.BackupId.of(Instant.now()));
        }
        Files.createDirectories(dest.getParent());
        Files.deleteIfExists(dest);
        try {
            Files.move(staged, dest);
        } catch (DirectoryNotEmptyException otherFileSystem) {
            // a folder moves only within its filesystem; across, it is copied (the staged copy is removed below)
            copyTree(staged, dest);
        }
        log.warn(n + " upload(s) that Open WebUI kept in object storage (STORAGE_PROVIDER=s3) are restored as files in " + dest
                + "/s3/<bucket>/<key>, not into a bucket: put them back with e.g. `aws s3 cp --recursive " + dest + "/s3/<bucket>/ s3://<bucket>/`"
                + " (add --endpoint-url for an S3-compatible service), or restore with owui.storage.serverId set");
        return new Result(n, 0, dest.toString());
    }

    private static Result putBack(Path staged, List<Entry> entries, Destination d, EngineLog log) {
        StorageProvider p = d.provider();
        Map<String, S3Access> clients = new TreeMap<>();
        try {
            // first every key, so a refusal changes nothing at the provider
            List<Object[]> toPut = new ArrayList<>();
            List<String> conflicts = new ArrayList<>();
            long same = 0;
            for (Entry e : entries) {
                ExternalObject o = ExternalObject.ofPath(e.path());
                if (o == null) {
                    throw new OwuiException("the backup names " + e.path() + " as an upload in object storage, which is not an s3 path",
                            "the backup is damaged or not ours; nothing was changed at the provider");
                }
                Path file = staged.resolve(e.path().substring(ExternalObject.ROOT.length() + 1));
                S3Access a = clients.computeIfAbsent(o.bucket(), p::open);
                HeadObjectResponse h = null;
                try {
                    h = a.client().headObject(q -> q.bucket(o.bucket()).key(o.key()));
                } catch (SdkException x) {
                    if (!S3Access.notFound(x)) {
                        throw p.failure(a, o.bucket(), "checking " + o.key() + " before restoring it", x);
                    }
                }
                if (h != null && sameObject(h, e, file)) {
                    same++;
                    continue;
                }
                if (h != null && !d.force()) {
                    conflicts.add(o.row());
                    continue;
                }
                toPut.add(new Object[] {o, file, a});
            }
            if (!conflicts.isEmpty()) {
                throw new OwuiException(conflicts.size() + " upload(s) of the backup exist at " + p.describe(clients.keySet().iterator().next())
                        + " with other content: " + String.join(", ", conflicts.subList(0, Math.min(5, conflicts.size())))
                        + (conflicts.size() > 5 ? ", …" : ""),
                        "restore into an empty bucket, or set owui.force=true to replace them; nothing was changed at the provider or in the data directory");
            }
            for (Object[] t : toPut) {
                ExternalObject o = (ExternalObject) t[0];
                S3Access a = (S3Access) t[2];
                try {
                    a.client().putObject(q -> q.bucket(o.bucket()).key(o.key()), RequestBody.fromFile((Path) t[1]));
                } catch (SdkException x) {
                    throw p.failure(a, o.bucket(), "putting back " + o.key(), x);
                }
            }
            String where = "bucket(s) " + String.join(", ", clients.keySet());
            log.info("put " + toPut.size() + " upload(s) back into " + p.describe(String.join(", ", clients.keySet()))
                    + (same > 0 ? "; " + same + " were there already, unchanged" : ""));
            return new Result(toPut.size(), same, where);
        } finally {
            clients.values().forEach(S3Access::close);
        }
    }

    /** The object at the provider is the backup's: same size, and the recorded ETag or the MD5 of the content (a plain PUT's ETag). */
    private static boolean sameObject(HeadObjectResponse h, Entry e, Path file) {
        if (h.contentLength() == null || e.size() == null || h.contentLength().longValue() != e.size()) {
            return false;
        }
        String etag = ExternalCapture.etag(h.eTag());
        if (etag == null) {
            return false;
        }
        if (etag.equals(e.etag())) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md5.update(buf, 0, n);
            }
            return etag.equalsIgnoreCase(HexFormat.of().formatHex(md5.digest()));
        } catch (IOException | NoSuchAlgorithmException x) {
            return false;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> w = Files.walk(from)) {
            for (Path p : (Iterable<Path>) w::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }
}
