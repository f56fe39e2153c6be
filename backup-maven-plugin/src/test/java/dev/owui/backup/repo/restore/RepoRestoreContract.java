package dev.owui.backup.repo.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.BackupWriter;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.objects.ObjectRef;
import dev.owui.backup.repo.pages.PageMap;
import dev.owui.backup.repo.pages.PageSets;
import dev.owui.backup.repo.pages.Run;
import dev.owui.backup.repo.pages.Runs;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore and verify of format 3 backups over each store (a folder, OpenSSH's sshd, S3Proxy).
 * Backups are built directly with the repository's writers from a real tree (awkward names, an
 * empty folder, a symbolic link, modes and times) and a real SQLite database stored as an image
 * and two page sets.
 */
abstract class RepoRestoreContract {
    static final String PASS = "correct horse battery staple";
    static final String PDF = "uploads/report final (v2).pdf";
    static final String UNICODE = "uploads/Ünïcødé – 数据.txt";

    @TempDir
    Path tmp;
    /** Extra files under uploads/many/ in the source tree (tests of parallel restore want many). */
    int extraFiles;
    ReadCountingStore store;
    Repository repo;

    abstract ObjectStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = new ReadCountingStore(openStore());
        repo = Repository.open(store, "open-webui", tmp.resolve("scratch"), EngineLog.SILENT);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    // ---- building a backup as the engine will: objects first, then entries, then the head ----

    /** What a built backup holds besides its head: the source tree, the database's last image, its objects. */
    record Built(BackupHead head, Path src, Path lastImage, Map<String, Entry> entries, byte[] secret) {
        Entry entry(String path) {
            return entries.get(path);
        }
    }

    static void exec(Path db, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static void insertChats(Path db, Random r, int n) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO chat(id, title, body) VALUES (?, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    byte[] body = new byte[1000];
                    r.nextBytes(body);
                    p.setString(1, Long.toHexString(r.nextLong()));
                    p.setString(2, "chat " + i);
                    p.setBytes(3, body);
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.commit();
        }
    }

    /** Three captures of a real database: image1, then image2 and image3 after small changes. */
    List<Path> captures() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("db"));
        Path db = work.resolve("live.db");
        exec(db, "PRAGMA page_size=4096", "PRAGMA journal_mode=DELETE",
                "CREATE TABLE chat(id TEXT PRIMARY KEY, title TEXT, body BLOB)", "CREATE TABLE user(id INTEGER PRIMARY KEY, seen INTEGER)");
        Random r = new Random(7);
        insertChats(db, r, 300);
        exec(db, "WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 200) INSERT INTO user(id, seen) SELECT v, 0 FROM s");
        List<Path> images = new ArrayList<>();
        images.add(Files.copy(db, work.resolve("image1")));
        insertChats(db, r, 20);
        exec(db, "UPDATE user SET seen = 1 WHERE id % 3 = 0");
        images.add(Files.copy(db, work.resolve("image2")));
        exec(db, "UPDATE user SET seen = 2 WHERE id % 5 = 0", "DELETE FROM chat WHERE rowid % 17 = 0");
        images.add(Files.copy(db, work.resolve("image3")));
        return images;
    }

    /** The source tree: awkward names, an empty folder, a symbolic link, varied modes and times. */
    Path sourceTree() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Random r = new Random(3);
        Files.createDirectories(src.resolve("uploads/sub dir"));
        Files.createDirectories(src.resolve("empty"));
        Files.createDirectories(src.resolve("vector_db"));
        byte[] pdf = new byte[70_000];
        r.nextBytes(pdf);
        Files.write(src.resolve(PDF), pdf);
        Files.writeString(src.resolve(UNICODE), "grüße, 你好, ☃\n".repeat(200));
        byte[] png = new byte[5000];
        r.nextBytes(png);
        Files.write(src.resolve("uploads/photo.png"), png);
        Files.write(src.resolve("uploads/sub dir/deep.bin"), new byte[0]);
        for (int i = 0; i < extraFiles; i++) {
            byte[] b = new byte[r.nextInt(40_000)];
            r.nextBytes(b);
            Files.write(Files.createDirectories(src.resolve("uploads/many/" + i % 7)).resolve("f" + i + ".bin"), b);
        }
        Files.createSymbolicLink(src.resolve("vector_db/link"), Path.of("../uploads/photo.png"));
        Files.setPosixFilePermissions(src.resolve(PDF), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(src.resolve("empty"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(src.resolve("uploads"), PosixFilePermissions.fromString("rwx------"));
        Instant t = Instant.parse("2026-11-20T10:01:02.123456789Z");
        int i = 0;
        for (Path p : walk(src)) {
            FileTime ft = FileTime.from(t.plusSeconds(3600L * i++));
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(ft, null, null);
        }
        return src;
    }

    /** Everything under {@code root}, deepest first (so setting a child's time leaves its parent's). */
    static List<Path> walk(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
        }
    }

    Built backup(CodecSettings settings, String id) throws Exception {
        Path src = sourceTree();
        List<Path> images = captures();
        Map<String, Entry> entries = new TreeMap<>(PathOrder.INSTANCE);
        for (Path p : walk(src)) {
            String rel = src.relativize(p).toString();
            Instant mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
            if (Files.isSymbolicLink(p)) {
                entries.put(rel, Entry.symlink(rel, Files.readSymbolicLink(p).toString(), mtime, "rwxrwxrwx"));
                continue;
            }
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            if (Files.isDirectory(p)) {
                entries.put(rel, Entry.dir(rel, mtime, mode));
            } else {
                String storage = settings.storageFor(rel);
                ObjectRef o = repo.objectWriter().put(p, storage, settings);
                entries.put(rel, Entry.file(rel, o.size(), o.sha256(), mtime, mode, storage, o.name(), o.storedSize()));
            }
        }
        // the database: image1, then the pages that changed to image2, then those to image3
        String storage = settings.storageFor("webui.db");
        List<Entry.Layer> layers = new ArrayList<>();
        layers.add(new Entry.Layer(Entry.Layer.IMAGE, repo.objectWriter().put(images.get(0), storage, settings).name(), null));
        for (int i = 1; i < images.size(); i++) {
            PageMap before = PageMap.of(images.get(i - 1));
            List<Run> runs = Runs.ofAscending(before.changedIn(PageMap.of(images.get(i))));
            assertFalse(runs.isEmpty());
            ByteArrayOutputStream set = new ByteArrayOutputStream();
            PageSets.write(images.get(i), 4096, runs, set);
            ObjectRef o = repo.objectWriter().put(set.toByteArray(), storage, settings, "webui.db");
            layers.add(new Entry.Layer(Entry.Layer.PAGES, o.name(), runs.stream().map(Run::toPair).toList()));
        }
        Path last = images.get(images.size() - 1);
        PageMap map = PageMap.of(last);
        ByteArrayOutputStream mapBytes = new ByteArrayOutputStream();
        map.write(mapBytes);
        ObjectRef mapObject = repo.objectWriter().put(mapBytes.toByteArray(), storage, settings, "webui.db page map");
        Instant dbTime = Instant.parse("2026-11-21T08:00:00.5Z");
        entries.put("webui.db", Entry.sqlite("webui.db", Files.size(last), map.sha256(), dbTime, "rw-r--r--", storage, map.pageSize(),
                map.pageCount(), mapObject.name(), layers));
        byte[] secret = "s3cr3t-key-of-the-instance".getBytes(StandardCharsets.UTF_8);
        String keyStorage = settings.storageFor(".webui_secret_key");
        ObjectRef k = repo.objectWriter().put(secret, keyStorage, settings, "secret key");
        entries.put(".webui_secret_key", Entry.secretKey(".webui_secret_key", secret.length, k.sha256(), dbTime, "rw-------", keyStorage,
                k.name(), k.storedSize()));
        BackupHead head;
        try (RepoLock lock = repo.lock(true, "owui:backup")) {
            BackupWriter w = repo.backups().writer(lock, settings, storage(settings), null, Set.of());
            entries.values().forEach(w::add);
            Instant t = Instant.parse("2026-11-21T08:00:00Z");
            head = w.finish(BackupHead.of("test", "open-webui", id, "host", "/data", "live", t, t.plusSeconds(5), null,
                    new Manifest.Totals(entries.size(), 0, 0, 0), storage(settings)));
        }
        return new Built(head, src, last, entries, secret);
    }

    static Manifest.StorageSettings storage(CodecSettings s) {
        return new Manifest.StorageSettings(s.compress() ? "zstd" : null, s.compress() ? s.zstdLevel() : null, s.encrypts() ? true : null, null);
    }

    static DecryptionKeys keys() {
        return DecryptionKeys.of(PASS.toCharArray(), null);
    }

    static CodecSettings encrypted() {
        return new CodecSettings(true, 3, EncryptionKeys.of(PASS.toCharArray(), List.of()), true);
    }

    /** Same entries, bytes, link targets, modes and times (times of links included where the system sets them). */
    static void assertSameTree(Path expected, Path actual) throws Exception {
        List<String> a = relative(expected);
        List<String> b = relative(actual);
        assertEquals(a, b);
        for (String rel : a) {
            Path x = expected.resolve(rel);
            Path y = actual.resolve(rel);
            assertEquals(Files.isSymbolicLink(x), Files.isSymbolicLink(y), rel);
            if (Files.isSymbolicLink(x)) {
                assertEquals(Files.readSymbolicLink(x), Files.readSymbolicLink(y), rel);
                continue;
            }
            assertEquals(Files.isDirectory(x), Files.isDirectory(y), rel);
            assertEquals(Files.getPosixFilePermissions(x), Files.getPosixFilePermissions(y), rel);
            assertEquals(Files.getLastModifiedTime(x), Files.getLastModifiedTime(y), rel);
            if (!Files.isDirectory(x)) {
                assertArrayEquals(Files.readAllBytes(x), Files.readAllBytes(y), rel);
            }
        }
    }

    static List<String> relative(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    static List<String> children(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Damages an object in place: same length, one byte flipped (delete, then write: stores cannot overwrite). */
    void flipAByte(String name) throws Exception {
        String key = repo.key(ObjectNames.relativeKey(name));
        byte[] b;
        try (InputStream in = store.read(key)) {
            b = in.readAllBytes();
        }
        b[b.length / 2] ^= 0x40;
        store.delete(key);
        assertTrue(store.writeIfAbsent(key, b));
    }

    // ---- the tests ----

    void roundTrip(CodecSettings settings, DecryptionKeys keys) throws Exception {
        Built b = backup(settings, "20261121T080000Z");
        Path out = tmp.resolve("out");
        Path secret = tmp.resolve("keys/secret");
        RepoRestore.Result r = new RepoRestore(repo).run(new RepoRestore.Options(null, out, keys, secret));
        assertEquals("20261121T080000Z", r.backupId());
        assertEquals(1, r.databases());
        Path restoredDb = out.resolve("webui.db");
        assertArrayEquals(Files.readAllBytes(b.lastImage()), Files.readAllBytes(restoredDb), "the database equals the last capture");
        assertEquals(FileTime.from(b.entry("webui.db").mtime()), Files.getLastModifiedTime(restoredDb));
        Files.delete(restoredDb);
        assertSameTree(b.src(), out);
        assertArrayEquals(b.secret(), Files.readAllBytes(secret));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));

        store.reset();
        RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), keys, true));
        assertEquals(List.of(), v.problems());
        assertEquals(1, v.databasesChecked());
        assertTrue(repo.damage().list().isEmpty());
        assertEquals(1, store.listings.stream().filter(p -> p.endsWith("objects/")).count());
        // each named object read once: files, the three layers, the page map, the secret key, the chunk(s)
        long contentReads = store.reads.stream().filter(k -> k.contains("objects/")).count();
        assertEquals(b.entries().values().stream().mapToLong(e -> e.objects().size()).sum() + b.head().chunks().size(), contentReads);
    }

    @Test
    void aZstdBackupRestoresByteIdenticalAndVerifiesClean() throws Exception {
        roundTrip(CodecSettings.zstd(3), DecryptionKeys.none());
    }

    @Test
    void anEncryptedBackupRestoresByteIdenticalWithTheKeyAndNotWithout() throws Exception {
        roundTrip(encrypted(), keys());
        Path out = tmp.resolve("out-without-key");
        OwuiException e = assertThrows(OwuiException.class,
                () -> new RepoRestore(repo).run(new RepoRestore.Options(null, out, DecryptionKeys.none(), null)));
        assertFalse(Files.exists(out), e.getMessage());

        // without the key: heads and chunks are still checked to exist; the entries are said to be unchecked
        RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), null, true));
        assertEquals(List.of(), v.problems());
        assertTrue(v.warnings().stream().anyMatch(w -> w.contains("encrypted manifest")), v.warnings().toString());
    }

    @Test
    void aFlippedByteInAPageSetIsNamedRecordedAndStopsTheRestoreBeforeTheDestination() throws Exception {
        Built b = backup(CodecSettings.zstd(3), "20261121T080000Z");
        String pageSet = b.entry("webui.db").layers().get(1).object();
        flipAByte(pageSet);

        RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), null, true));
        assertFalse(v.ok());
        RepoVerify.Problem p = v.problems().stream().filter(x -> pageSet.equals(x.object())).findFirst().orElseThrow();
        assertEquals("webui.db", p.path());
        assertEquals("20261121T080000Z", p.backup());
        assertTrue(p.damage());
        assertEquals(1, v.problems().size(), v.problems().toString());
        assertNotNull(v.record());
        assertEquals(Set.of(pageSet), repo.damage().damagedNames());

        Path out = Files.createDirectories(tmp.resolve("out"));
        OwuiException e = assertThrows(OwuiException.class, () -> new RepoRestore(repo).run(new RepoRestore.Options(null, out, null, null)));
        assertTrue(e.getMessage().contains(pageSet) && e.getMessage().contains("webui.db"), e.getMessage());
        assertEquals(List.of(), children(out), "nothing half-restored");
    }

    @Test
    void aMissingObjectIsFoundFromOneListingWithoutReadingData() throws Exception {
        Built b = backup(CodecSettings.zstd(3), "20261121T080000Z");
        String pdf = b.entry(PDF).object();
        store.delete(repo.key(ObjectNames.relativeKey(pdf)));
        store.reset();

        RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.none(), null, true));
        assertEquals(List.of(new RepoVerify.Problem("20261121T080000Z", PDF, pdf, "missing", true)), v.problems());
        assertEquals(0, v.objectsRead());
        assertEquals(1, store.listings.stream().filter(p -> p.endsWith("objects/")).count(), store.listings.toString());
        assertEquals(0, store.stats.get(), "no request per object");
        Set<String> chunkKeys = new java.util.HashSet<>();
        b.head().chunks().forEach(c -> chunkKeys.add(repo.key(ObjectNames.relativeKey(c.object()))));
        for (String k : store.reads) {
            assertTrue(k.endsWith("backups/20261121T080000Z.json") || chunkKeys.contains(k), "read only the head and chunks, not " + k);
        }
        assertEquals(Set.of(pdf), repo.damage().damagedNames());

        Path out = tmp.resolve("out");
        OwuiException e = assertThrows(OwuiException.class, () -> new RepoRestore(repo).run(new RepoRestore.Options(null, out, null, null)));
        assertTrue(e.getMessage().contains(PDF) && e.getMessage().contains(pdf), e.getMessage());
        assertFalse(Files.exists(out), "nothing half-restored");
    }

    @Test
    void aNonEmptyDestinationIsRefusedUntouched() throws Exception {
        backup(CodecSettings.zstd(3), "20261121T080000Z");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("mine.txt"), "keep");
        OwuiException e = assertThrows(OwuiException.class, () -> new RepoRestore(repo).run(new RepoRestore.Options(null, out, null, null)));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(List.of("mine.txt"), children(out));
    }
}
