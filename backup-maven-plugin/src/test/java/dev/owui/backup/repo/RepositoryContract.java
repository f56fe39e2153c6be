package dev.owui.backup.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.BackupWriter;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.damage.DamageRecord;
import dev.owui.backup.repo.lock.LockInfo;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.objects.ObjectRef;
import dev.owui.backup.repo.prune.PruneReport;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.StoreStat;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Hashing;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository layer of format 3 over each store (a folder, OpenSSH's sshd, S3Proxy): what
 * goes up when a second backup shares most of the first, reading back, prune and its crash
 * safety, locks, damage and repair.
 */
abstract class RepositoryContract {
    static final String PASS = "correct horse battery staple";
    /** Files with content; the links make enough entries for several chunks without uploads. */
    static final int FILES = 30;
    static final int LINKS = 4000;

    @TempDir
    Path tmp;
    CountingStore store;
    Repository repo;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final EngineLog log = new EngineLog() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
            warnings.add(line);
        }
    };

    /** A store on an empty root (called before each test). */
    abstract ObjectStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = new CountingStore(openStore());
        repo = Repository.open(store, "open-webui", tmp.resolve("scratch"), log);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    // ---- a tiny backup engine: what the real one will do, minus the scan ----

    /** Contents by path, and the entries of the previous backup (reused when the content is unchanged). */
    BackupHead backup(Repository r, RepoLock lock, String id, Map<String, byte[]> files, BackupHead previous, CodecSettings settings) {
        Map<String, Entry> before = new TreeMap<>();
        if (previous != null) {
            try (EntryIterator it = r.backups().entries(previous, keys())) {
                it.forEachRemaining(e -> before.put(e.path(), e));
            }
        }
        BackupWriter w = r.backups().writer(lock, settings, storage(settings), previous, r.damage().damagedNames());
        Instant t = Instant.parse("2026-11-20T10:00:00Z");
        TreeMap<String, Entry> entries = new TreeMap<>(PathOrder.INSTANCE);
        entries.put("uploads", Entry.dir("uploads", t, "rwx------"));
        entries.put("links", Entry.dir("links", t, "rwx------"));
        for (int i = 0; i < LINKS; i++) {
            entries.put("links/l" + i, Entry.symlink("links/l" + i, "../uploads/f" + (i % FILES), t, "rwxrwxrwx"));
        }
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String sha = HexFormat.of().formatHex(Hashing.newSha256().digest(f.getValue()));
            Entry old = before.get(f.getKey());
            if (old != null && sha.equals(old.sha256())) {
                entries.put(f.getKey(), old); // the merge: unchanged, its object is reused without a request
                continue;
            }
            String storage = settings.storageFor(f.getKey());
            ObjectRef o = r.objectWriter().put(f.getValue(), storage, settings, f.getKey());
            entries.put(f.getKey(), Entry.file(f.getKey(), o.size(), o.sha256(), t, "rw-r--r--", storage, o.name(), o.storedSize()));
        }
        // a database: image, one page set, a page map (their bytes need not be SQLite here)
        String dbStorage = settings.storageFor("webui.db");
        ObjectRef image = r.objectWriter().put(("image of " + id).getBytes(), dbStorage, settings, "webui.db");
        ObjectRef pages = r.objectWriter().put(("pages of " + id).getBytes(), dbStorage, settings, "webui.db");
        ObjectRef map = r.objectWriter().put(("map of " + id).getBytes(), dbStorage, settings, "webui.db");
        entries.put("webui.db", Entry.sqlite("webui.db", 8192, "00".repeat(32), t, "rw-r--r--", dbStorage, 4096, 2, map.name(),
                List.of(new Entry.Layer(Entry.Layer.IMAGE, image.name(), null),
                        new Entry.Layer(Entry.Layer.PAGES, pages.name(), List.of(new long[] {2, 1})))));
        entries.values().forEach(w::add);
        InstanceFacts facts = new InstanceFacts("3781e22d8b01", Map.of("users", 2L), List.of("uploads/gone.pdf"), List.of(), List.of());
        return w.finish(BackupHead.of("test", "open-webui", id, "host", "/data", "live", t, t.plusSeconds(5), facts,
                new Manifest.Totals(files.size(), 0, 0, 0), storage(settings)));
    }

    DecryptionKeys keys() {
        return DecryptionKeys.of(PASS.toCharArray(), null);
    }

    static Manifest.StorageSettings storage(CodecSettings s) {
        return new Manifest.StorageSettings(s.compress() ? "zstd" : null, s.compress() ? s.zstdLevel() : null, s.encrypts() ? true : null, null);
    }

    static Map<String, byte[]> files(long seed) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        Random r = new Random(seed);
        for (int i = 0; i < FILES; i++) {
            byte[] b = new byte[300 + r.nextInt(300)];
            r.nextBytes(b);
            m.put("uploads/f" + i, b);
        }
        return m;
    }

    List<String> lines(BackupHead h) {
        List<String> out = new ArrayList<>();
        try (EntryIterator it = repo.backups().entries(h, keys())) {
            it.forEachRemaining(e -> out.add(RepoJson.line(e)));
        }
        return out;
    }

    /** Every object named by every head: present at the store. Returns them. */
    Set<String> assertNoHeadNamesAMissingObject() {
        Set<String> present = objects();
        Set<String> named = new TreeSet<>();
        for (String id : repo.backups().list()) {
            BackupHead h = repo.backups().head(id);
            h.chunks().forEach(c -> named.add(c.object()));
            if (h.findings() != null) {
                named.add(h.findings());
            }
            try (EntryIterator it = repo.backups().entries(h, keys())) {
                it.forEachRemaining(e -> named.addAll(e.objects()));
            }
        }
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(present);
        assertEquals(Set.of(), missing, "objects named by a head but missing");
        return named;
    }

    Set<String> objects() {
        Set<String> s = new TreeSet<>();
        store.list(repo.key(ObjectNames.DIR), st -> s.add(ObjectNames.nameOf(repo.relative(st.key()))));
        return s;
    }

    RepoLock exclusive() {
        return repo.lock(true, "owui:backup");
    }

    // ---- the tests ----

    @Test
    void repositoryJsonIsWrittenOnceAndANewerFormatIsRefused() throws Exception {
        Repository again = Repository.open(store, "open-webui");
        assertEquals(repo.info().id(), again.info().id());
        assertEquals(3, again.info().formatVersion());
        store.writeIfAbsent("newer/repository.json", "{\"format\":\"owui-repository\",\"formatVersion\":4,\"id\":\"x\"}".getBytes());
        OwuiException e = assertThrows(OwuiException.class, () -> Repository.open(store, "newer"));
        assertTrue(e.getMessage().contains("format version 4") && e.getMessage().contains("newer version"), e.getMessage());
    }

    @Test
    void sameContentSameNameAndNoSecondUpload() {
        byte[] content = "the same content".repeat(100).getBytes();
        for (CodecSettings s : List.of(CodecSettings.plain(), CodecSettings.zstd(3))) {
            String storage = s.storageFor("a.txt");
            store.reset();
            ObjectRef first = repo.objectWriter().put(content, storage, s, "a.txt");
            ObjectRef second = repo.objectWriter().put(content, storage, s, "a.txt");
            assertEquals(first.name(), second.name(), storage);
            assertTrue(first.uploaded());
            assertFalse(second.uploaded(), "the second put found it stored");
            if (store.existenceCheckIsCheap()) {
                assertEquals(1, store.writeCalls.get(), storage + ": one upload, and no refused one (a stat found it)");
            } else {
                // S3: no HeadObject first; the second conditional PutObject is refused (412), one request as the HeadObject was
                assertEquals(2, store.writeCalls.get(), storage + ": one upload and one refused conditional write");
            }
            assertEquals(first.storedSize(), store.stat(repo.key(ObjectNames.relativeKey(first.name()))).orElseThrow().size());
        }
    }

    @Test
    void aSecondBackupUploadsOnlyNewContentAndChangedChunks() throws Exception {
        CodecSettings zstd = CodecSettings.zstd(3);
        Map<String, byte[]> one = files(1);
        BackupHead h1;
        try (RepoLock lock = exclusive()) {
            h1 = backup(repo, lock, "20261120T100000Z", one, null, zstd);
        }
        assertTrue(h1.chunks().size() >= 3, "enough entries for several chunks: " + h1.chunks().size());
        List<String> lines1 = lines(h1);

        Map<String, byte[]> two = new LinkedHashMap<>(one);
        two.put("uploads/f7", "changed".getBytes());
        two.put("uploads/new", "added".getBytes());
        store.reset();
        BackupHead h2;
        try (RepoLock lock = exclusive()) {
            h2 = backup(repo, lock, "20261121T100000Z", two, h1, zstd);
        }
        Set<String> chunks1 = new HashSet<>();
        h1.chunks().forEach(c -> chunks1.add(c.object()));
        long newChunks = h2.chunks().stream().filter(c -> !chunks1.contains(c.object())).count();
        assertTrue(newChunks >= 1 && newChunks < h2.chunks().size(), "only the chunk holding the changes is new: " + newChunks);
        // 2 contents, 3 database objects (their content names the backup), the new chunks
        assertEquals(2 + 3 + newChunks, store.stored("objects"), "only new content went up");
        assertEquals(1, store.stored("backups"));
        assertEquals(store.stored("objects") + store.stored("backups") + store.stored("locks"), store.writeCalls.get(),
                "no upload was made only to be refused");

        assertEquals(List.of("20261120T100000Z", "20261121T100000Z"), repo.backups().list());
        assertEquals(lines1, lines(repo.backups().head("20261120T100000Z")));
        List<String> lines2 = lines(repo.backups().head("20261121T100000Z"));
        assertEquals(FILES + 1 + LINKS + 2 + 1, lines2.size());
        assertTrue(lines2.stream().anyMatch(l -> l.contains("\"path\":\"uploads/new\"")));
        Entry f7 = RepoJson.MAPPER.readValue(lines2.stream().filter(l -> l.contains("\"path\":\"uploads/f7\"")).findFirst().orElseThrow(), Entry.class);
        try (InputStream in = repo.objectReader().open(f7.object(), f7.storage(), null)) {
            assertArrayEquals("changed".getBytes(), in.readAllBytes());
        }
        assertNoHeadNamesAMissingObject();

        // prune the first: what only it named goes, everything the second names stays
        Set<String> before = objects();
        PruneReport report;
        try (RepoLock lock = repo.lock(true, "owui:prune")) {
            report = repo.pruner().prune(lock, List.of("20261120T100000Z"), keys());
        }
        assertEquals(List.of("20261120T100000Z"), report.forgotten());
        assertEquals(List.of("20261121T100000Z"), repo.backups().list());
        Set<String> named = assertNoHeadNamesAMissingObject();
        assertEquals(named, objects(), "every unreferenced object is gone");
        assertEquals(before.size() - named.size(), report.objectsDeleted());
        assertTrue(report.bytesFreed() > 0);
        assertFalse(objects().contains(RepoJson.MAPPER.readValue(lines1.stream().filter(l -> l.contains("\"path\":\"uploads/f7\""))
                .findFirst().orElseThrow(), Entry.class).object()), "the old f7 is collected");
        try (RepoLock lock = repo.lock(true, "owui:prune")) {
            assertEquals(0, repo.pruner().prune(lock, List.of(), keys()).objectsDeleted(), "nothing left to collect");
        }
    }

    @Test
    void encryptedChunksAreReusedThroughTheHeadAndStayUnreadableWithoutTheKey() {
        CodecSettings enc = new CodecSettings(true, 3, EncryptionKeys.of(PASS.toCharArray(), List.of()), true);
        Map<String, byte[]> one = files(2);
        BackupHead h1;
        BackupHead h2;
        try (RepoLock lock = exclusive()) {
            h1 = backup(repo, lock, "20261120T100000Z", one, null, enc);
            Map<String, byte[]> two = new LinkedHashMap<>(one);
            two.put("uploads/f3", "changed".getBytes());
            store.reset();
            h2 = backup(repo, lock, "20261121T100000Z", two, h1, enc);
        }
        assertEquals(Storage.ZSTD_PGP, h2.chunkStorage());
        Set<String> chunks1 = new HashSet<>();
        h1.chunks().forEach(c -> chunks1.add(c.object()));
        long newChunks = h2.chunks().stream().filter(c -> !chunks1.contains(c.object())).count();
        assertTrue(newChunks >= 1 && newChunks < h2.chunks().size(), "unchanged encrypted chunks keep their object: " + newChunks);
        // 1 content, 3 database objects, the findings, the new chunks
        assertEquals(1 + 3 + 1 + newChunks, store.stored("objects"));
        assertEquals(null, h2.openWebUi().rowsWithoutFile(), "findings name uploads: not in the head");
        assertEquals(Map.of("users", 2L), h2.openWebUi().counts());
        assertEquals(List.of("uploads/gone.pdf"), repo.backups().findings(h2, keys()).rowsWithoutFile());
        assertEquals(FILES + LINKS + 3, lines(h2).size());
        OwuiException noKey = assertThrows(OwuiException.class, () -> repo.backups().entries(h2, DecryptionKeys.none()).hasNext());
        assertTrue(noKey.getMessage().contains("passphrase"), noKey.getMessage());
        assertNoHeadNamesAMissingObject();
    }

    @Test
    void aKilledWriterLeavesNoBackupAndTheNextPruneCollectsItsObjects() {
        try (RepoLock lock = exclusive()) {
            backup(repo, lock, "20261120T100000Z", files(3), null, CodecSettings.zstd(3));
        }
        Set<String> kept = objects();
        // killed between objects and head: contents and chunks written, no head
        try (RepoLock lock = exclusive()) {
            BackupWriter w = repo.backups().writer(lock, CodecSettings.zstd(3), null, null, Set.of());
            ObjectRef o = repo.objectWriter().put("orphan".getBytes(), Storage.ZSTD, CodecSettings.zstd(3), "orphan");
            w.add(Entry.file("orphan", 6, o.sha256(), Instant.now(), "rw-------", Storage.ZSTD, o.name(), o.storedSize()));
            // no finish(): the process dies here
        }
        assertEquals(List.of("20261120T100000Z"), repo.backups().list(), "no head, no backup");
        assertTrue(objects().size() > kept.size());
        try (RepoLock lock = repo.lock(true, "owui:prune")) {
            PruneReport r = repo.pruner().prune(lock, List.of(), keys());
            assertTrue(r.objectsDeleted() >= 1);
        }
        assertEquals(kept, objects());
        assertNoHeadNamesAMissingObject();
    }

    @Test
    void aPruneKilledAfterForgetOrHalfwayThroughTheSweepLosesNothingAndTheNextFinishes() {
        CodecSettings zstd = CodecSettings.zstd(3);
        List<String> ids = List.of("20261120T100000Z", "20261121T100000Z", "20261122T100000Z");
        try (RepoLock lock = exclusive()) {
            BackupHead prev = null;
            for (int i = 0; i < ids.size(); i++) {
                prev = backup(repo, lock, ids.get(i), files(10 + i), prev, zstd);
            }
        }
        // killed after forget: the sweep's listing never happens
        store.failListing = repo.key(ObjectNames.DIR);
        try (RepoLock lock = repo.lock(true, "owui:prune")) {
            assertThrows(IllegalStateException.class, () -> repo.pruner().prune(lock, List.of(ids.get(0)), keys()));
        }
        store.failListing = null;
        assertEquals(ids.subList(1, 3), repo.backups().list());
        assertNoHeadNamesAMissingObject();

        // killed after 5 deletes of the sweep
        store.objectDeletesLeft = 5;
        try (RepoLock lock = repo.lock(true, "owui:prune")) {
            assertThrows(IllegalStateException.class, () -> repo.pruner().prune(lock, List.of(ids.get(1)), keys()));
        }
        store.objectDeletesLeft = -1;
        assertEquals(ids.subList(2, 3), repo.backups().list());
        assertNoHeadNamesAMissingObject();

        try (RepoLock lock = repo.lock(true, "owui:prune")) {
            PruneReport r = repo.pruner().prune(lock, List.of(), keys());
            assertTrue(r.objectsDeleted() > 0, "the next prune finishes the job");
        }
        assertEquals(assertNoHeadNamesAMissingObject(), objects());
    }

    @Test
    void aSecondWriterIsRefusedNamingTheHolderAndReadersCoexist() {
        Repository other = Repository.open(store, "open-webui", tmp.resolve("scratch2"), log);
        try (RepoLock held = exclusive()) {
            OwuiException e = assertThrows(OwuiException.class, () -> other.lock(true, "owui:prune"));
            String m = e.getMessage();
            assertTrue(m.contains("owui:backup") && m.contains("pid " + ProcessHandle.current().pid()) && m.contains(held.key()), m);
            assertThrows(OwuiException.class, () -> other.lock(false, "owui:copy"), "an exclusive lock excludes shared ones too");
            assertEquals(1, RepoLock.list(repo).size(), "the refused writers withdrew their locks");
        }
        assertEquals(0, RepoLock.list(repo).size(), "release deletes the lock");
        try (RepoLock a = repo.lock(false, "reader"); RepoLock b = other.lock(false, "reader")) {
            assertEquals(2, RepoLock.list(repo).size());
            assertThrows(OwuiException.class, () -> other.lock(true, "owui:prune"), "a shared lock excludes an exclusive one");
        }
        try (RepoLock again = other.lock(true, "owui:prune")) {
            assertTrue(again.stillHeld());
        }
    }

    @Test
    void staleLocksAreRemovedWithAWarningAndALiveOneIsNot() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Instant now = Instant.now();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        String deadPid = repo.key("locks/" + UUID.randomUUID() + ".json");
        store.writeIfAbsent(deadPid, RepoJson.bytes(new LockInfo(host, p.pid(), now, now, true, "owui:backup")));
        String old = repo.key("locks/" + UUID.randomUUID() + ".json");
        Instant longAgo = now.minus(Duration.ofMinutes(31));
        store.writeIfAbsent(old, RepoJson.bytes(new LockInfo("elsewhere", 1, longAgo, longAgo, true, "owui:backup")));
        try (RepoLock lock = exclusive()) {
            assertTrue(lock.stillHeld());
            assertEquals(List.of(lock.key()), RepoLock.list(repo).stream().map(StoreStat::key).toList());
        }
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("process is gone")), warnings.toString());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("not refreshed") && w.contains("elsewhere")), warnings.toString());

        String live = repo.key("locks/" + UUID.randomUUID() + ".json");
        Instant recent = now.minus(Duration.ofMinutes(20));
        store.writeIfAbsent(live, RepoJson.bytes(new LockInfo("elsewhere", 1, recent, recent, true, "owui:backup")));
        OwuiException e = assertThrows(OwuiException.class, this::exclusive);
        assertTrue(e.getMessage().contains("elsewhere") && e.getMessage().contains(live), e.getMessage());
    }

    @Test
    void theLockIsRefreshedAndAWriterThatLostItWritesNoHead() throws Exception {
        try (RepoLock lock = RepoLock.acquire(repo, true, Duration.ofMillis(200), "owui:backup")) {
            String first = lock.key();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (lock.key().equals(first) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertNotEquals(first, lock.key(), "refreshed under a new name");
            assertTrue(lock.stillHeld());
        }
        assertEquals(0, RepoLock.list(repo).size());

        RepoLock lock = exclusive();
        try {
            BackupWriter w = repo.backups().writer(lock, CodecSettings.zstd(3), null, null, Set.of());
            w.add(Entry.dir("uploads", Instant.now(), "rwx------"));
            store.delete(lock.key()); // another process took it for stale
            assertFalse(lock.stillHeld());
            Instant t = Instant.now();
            OwuiException e = assertThrows(OwuiException.class, () -> w.finish(BackupHead.of("test", "open-webui", "20261120T100000Z",
                    "host", "/data", "live", t, t, null, new Manifest.Totals(0, 0, 0, 0), null)));
            assertTrue(e.getMessage().contains("lock") && e.getMessage().contains("lost"), e.getMessage());
            assertEquals(List.of(), repo.backups().list());
        } finally {
            lock.release();
        }
    }

    @Test
    void aDamagedObjectIsAnErrorNamingItAndRepairReplacesItAtTheSameName() throws Exception {
        byte[] content = "precious upload".repeat(50).getBytes(StandardCharsets.UTF_8);
        ObjectRef ref = repo.objectWriter().put(content, Storage.ZSTD, CodecSettings.zstd(3), "u");
        String key = repo.key(ObjectNames.relativeKey(ref.name()));
        // damage it: same length, other bytes (delete + write, as a store cannot overwrite)
        byte[] stored;
        try (InputStream in = store.read(key)) {
            stored = in.readAllBytes();
        }
        byte[] bad = stored.clone();
        bad[bad.length / 2] ^= 0x55;
        store.delete(key);
        store.writeIfAbsent(key, bad);
        OwuiException e = assertThrows(OwuiException.class, () -> repo.objectReader().readAll(ref.name(), Storage.ZSTD, null));
        assertTrue(e.getMessage().contains(ref.name()), e.getMessage());

        DamageRecord rec = repo.damage().record(List.of(new DamageRecord.Damaged(ref.name(), "20261120T100000Z", "uploads/u", "hash mismatch")));
        assertEquals(Set.of(ref.name()), repo.damage().damagedNames());

        Path good = tmp.resolve("good");
        Files.write(good, content);
        Path other = tmp.resolve("other");
        Files.write(other, "not it".getBytes());
        try (RepoLock lock = repo.lock(true, "owui:backup")) {
            OwuiException refused = assertThrows(OwuiException.class,
                    () -> repo.damage().repairObject(lock, ref.name(), other, Storage.ZSTD, CodecSettings.zstd(3)));
            assertTrue(refused.getMessage().contains(ref.name()), refused.getMessage());
            assertArrayEquals(bad, store.read(key).readAllBytes(), "a refused repair changes nothing");
            repo.damage().repairObject(lock, ref.name(), good, Storage.ZSTD, CodecSettings.zstd(3));
        }
        assertArrayEquals(content, repo.objectReader().readAll(ref.name(), Storage.ZSTD, null));
        repo.damage().drop(rec.id());
        assertEquals(Set.of(), repo.damage().damagedNames());
    }
}
