package dev.owui.backup.repo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.damage.DamageRecord;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.pages.PageSets;
import dev.owui.backup.repo.pages.Run;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The format 3 backup engine over each store (a folder, OpenSSH's sshd, S3Proxy), on a generated
 * Open WebUI data directory with real SQLite: what a changed day, an unchanged day, owui.full, a
 * damage record and a VACUUM make it write, and that the databases reassemble byte for byte.
 */
abstract class RepoEngineContract {
    @TempDir
    Path tmp;
    Path data;
    ObjectStore store;
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

    abstract ObjectStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(3).build();
        store = openStore();
        repo = Repository.open(store, "open-webui", tmp.resolve("scratch"), log);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    RepoBackupRunner.Options options(CodecSettings codec) {
        return new RepoBackupRunner.Options(data, "open-webui", codec, false, tmp.resolve("staging"));
    }

    RepoBackupRunner.Result backup(RepoBackupRunner.Options o) {
        return new RepoBackupRunner(log).run(repo, o);
    }

    /** Object name → stored size, from one listing of objects/. */
    Map<String, Long> objects() {
        Map<String, Long> out = new TreeMap<>();
        store.list(repo.key(ObjectNames.DIR), s -> {
            String n = ObjectNames.nameOf(repo.relative(s.key()));
            if (n != null) {
                out.put(n, s.size());
            }
        });
        return out;
    }

    static long instanceBytes(Path dir) throws IOException {
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    List<Entry> entries(String id) {
        return entries(id, DecryptionKeys.none());
    }

    List<Entry> entries(String id, DecryptionKeys keys) {
        BackupHead h = repo.backups().head(id);
        List<Entry> out = new ArrayList<>();
        try (EntryIterator it = repo.backups().entries(h, keys)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    Entry entry(String id, String path) {
        return entries(id).stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }

    /** The database as the backup's layers rebuild it, compared with a fresh capture of the source now. */
    void assertReassemblesToSource(String id, String rel) throws Exception {
        assertReassemblesToSource(id, rel, DecryptionKeys.none());
    }

    void assertReassemblesToSource(String id, String rel, DecryptionKeys keys) throws Exception {
        Entry e = entries(id, keys).stream().filter(x -> x.path().equals(rel)).findFirst().orElseThrow();
        record L(List<Run> runs, String object, String storage, Repository repo, DecryptionKeys keys) implements PageSets.Layer {
            @Override
            public InputStream open() {
                return repo.objectReader().open(object, storage, keys);
            }
        }
        List<L> layers = e.layers().stream().map(l -> new L(l.runs() == null ? null
                : l.runs().stream().map(r -> new Run(r[0], r[1])).toList(), l.object(), e.storage(), repo, keys)).toList();
        Path out = tmp.resolve("reassembled-" + rel.replace('/', '_'));
        PageSets.reassemble(layers, e.pageSize(), e.pageCount(), e.sha256(), out);
        Path fresh = tmp.resolve("fresh-" + rel.replace('/', '_'));
        Files.deleteIfExists(fresh);
        SqliteCapture.capture(data.resolve(rel), fresh, rel);
        assertEquals(-1L, Files.mismatch(out, fresh), rel + " of " + id + " reassembles to the capture of the source");
        Files.delete(out);
    }

    RepoBackupRunner.DatabaseDecision decision(RepoBackupRunner.Result r, String path) {
        return r.databases().stream().filter(d -> d.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void aChangedDayWritesOnlyWhatChanged() throws Exception {
        RepoBackupRunner.Result first = backup(options(CodecSettings.zstd(3)));
        assertEquals("IMAGE", decision(first, "webui.db").kind());
        assertReassemblesToSource(first.backupId(), "webui.db");
        assertReassemblesToSource(first.backupId(), "vector_db/chroma.sqlite3");
        long size = instanceBytes(data);

        Mutator.Change change = Mutator.change(data, 2, 11);
        dayOfUse(data.resolve("webui.db"));
        Map<String, Long> before = objects();
        RepoBackupRunner.Result second = backup(options(CodecSettings.zstd(3)));
        Map<String, Long> after = objects();
        long newObjects = after.size() - before.size();
        long newBytes = after.entrySet().stream().filter(x -> !before.containsKey(x.getKey())).mapToLong(Map.Entry::getValue).sum();

        assertEquals(first.backupId(), second.previousId());
        assertEquals(newObjects, second.objectsWritten(), "what the result counts is what the store gained");
        assertEquals(newBytes, second.bytesWritten());
        // new and changed files, for each database one layer and one page map, the changed chunks
        long bound = change.addedFiles().size() + change.modifiedFiles().size() + 2L * 2 + second.chunksWritten();
        assertTrue(newObjects <= bound, newObjects + " new objects, at most " + bound + " expected");
        assertTrue(newBytes < size / 4, newBytes + " bytes written for a day of a " + size + "-byte instance");
        assertTrue(second.filesReused() > 0);
        assertEquals("APPEND", decision(second, "webui.db").kind(), "a day of chats is a page set");
        assertEquals(2, decision(second, "webui.db").layers());
        assertReassemblesToSource(second.backupId(), "webui.db");
        assertReassemblesToSource(second.backupId(), "vector_db/chroma.sqlite3");
        // every file of the second backup has the source's content
        for (Entry e : entries(second.backupId())) {
            if (Entry.FILE.equals(e.type())) {
                byte[] stored = repo.objectReader().readAll(e.object(), e.storage(), DecryptionKeys.none());
                assertEquals(-1L, Files.mismatch(data.resolve(e.path()), writeTemp(stored)), e.path());
            }
        }
    }

    private Path writeTemp(byte[] b) throws IOException {
        Path p = tmp.resolve("content");
        Files.write(p, b);
        return p;
    }

    @Test
    void anUnchangedInstanceWritesOnlyTheHead() {
        RepoBackupRunner.Result first = backup(options(CodecSettings.zstd(3)));
        Map<String, Long> before = objects();
        RepoBackupRunner.Result second = backup(options(CodecSettings.zstd(3)));
        assertEquals(before, objects(), "no new object");
        assertEquals(0, second.objectsWritten());
        assertEquals(second.files(), second.filesReused() + second.databases().size());
        for (RepoBackupRunner.DatabaseDecision d : second.databases()) {
            assertEquals("SAME", d.kind(), d.path());
        }
        assertEquals(List.of(first.backupId(), second.backupId()), repo.backups().list());
        assertEquals(entries(first.backupId()).stream().map(Entry::objects).toList(),
                entries(second.backupId()).stream().map(Entry::objects).toList(), "the same objects");
    }

    @Test
    void fullStoresEverythingAnew() throws Exception {
        backup(options(CodecSettings.zstd(3)));
        RepoBackupRunner.Result full = backup(options(CodecSettings.zstd(3)).withFull(true));
        assertEquals(0, full.filesReused());
        long contents = entries(full.backupId()).stream().filter(e -> e.object() != null).map(Entry::object).distinct().count();
        assertTrue(full.objectsWritten() >= contents + 2, full.objectsWritten() + " objects rewritten, " + contents + " contents");
        for (RepoBackupRunner.DatabaseDecision d : full.databases()) {
            assertEquals("IMAGE", d.kind(), d.path());
        }
        assertReassemblesToSource(full.backupId(), "webui.db");
    }

    @Test
    void aRecordedDamagedObjectIsStoredAgainUnderItsName() throws Exception {
        RepoBackupRunner.Result first = backup(options(CodecSettings.zstd(3)));
        Entry upload = entries(first.backupId()).stream()
                .filter(e -> Entry.FILE.equals(e.type()) && e.path().startsWith("uploads/")).findFirst().orElseThrow();
        String key = repo.key(ObjectNames.relativeKey(upload.object()));
        store.delete(key);
        store.writeIfAbsent(key, "rotten".getBytes());
        repo.damage().record(List.of(new DamageRecord.Damaged(upload.object(), first.backupId(), upload.path(), "test")));

        RepoBackupRunner.Result second = backup(options(CodecSettings.zstd(3)));
        Entry again = entry(second.backupId(), upload.path());
        assertEquals(upload.object(), again.object(), "zstd: the same content has the same name");
        byte[] content = repo.objectReader().readAll(again.object(), again.storage(), DecryptionKeys.none());
        assertEquals(-1L, Files.mismatch(data.resolve(upload.path()), writeTemp(content)), "repaired in place");
        assertEquals(1, second.objectsWritten(), "only the damaged object is written again");
    }

    @Test
    void vacuumGivesAnImage() throws Exception {
        backup(options(CodecSettings.plain()));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("webui.db")); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM chat WHERE rowid IN (SELECT rowid FROM chat ORDER BY rowid LIMIT (SELECT count(*) / 2 FROM chat))");
            s.execute("VACUUM");
        }
        RepoBackupRunner.Result second = backup(options(CodecSettings.plain()));
        RepoBackupRunner.DatabaseDecision d = decision(second, "webui.db");
        assertEquals("IMAGE", d.kind(), d.toString());
        assertEquals(1, d.layers());
        assertEquals("SAME", decision(second, "vector_db/chroma.sqlite3").kind());
        assertReassemblesToSource(second.backupId(), "webui.db");
    }

    @Test
    void aFailureAfterTheObjectsLeavesNoBackup() throws Exception {
        RepoBackupRunner.Result first = backup(options(CodecSettings.zstd(3)));
        Mutator.change(data, 2, 5);
        RepoBackupRunner crashing = new RepoBackupRunner(log, () -> {
            throw new IllegalStateException("simulated crash after the objects");
        });
        assertThrows(IllegalStateException.class, () -> crashing.run(repo, options(CodecSettings.zstd(3))));
        assertEquals(List.of(first.backupId()), repo.backups().list(), "no head, no backup");
        assertTrue(store.listAll(repo.key("locks/")).isEmpty(), "the lock is released");
        try (Stream<Path> staged = Files.list(tmp.resolve("staging"))) {
            assertEquals(0, staged.count(), "the captures are removed");
        }
        // the next run succeeds and finds the objects of the failed one already stored
        Thread.sleep(1100); // backup ids are times to the second
        RepoBackupRunner.Result next = backup(options(CodecSettings.zstd(3)));
        assertEquals(first.backupId(), next.previousId());
        assertReassemblesToSource(next.backupId(), "webui.db");
    }

    @Test
    void pageMapsComeFromTheLocalCacheWhenPresent() throws Exception {
        Path cache = tmp.resolve("pagemaps");
        RepoBackupRunner.Result first = backup(options(CodecSettings.zstd(3)).withPageMapCache(cache));
        Entry db = entry(first.backupId(), "webui.db");
        assertTrue(Files.isRegularFile(cache.resolve(db.pageMap())));
        // with the object gone from the target, the cached map still decides the page set
        store.delete(repo.key(ObjectNames.relativeKey(db.pageMap())));
        dayOfUse(data.resolve("webui.db"));
        RepoBackupRunner.Result second = backup(options(CodecSettings.zstd(3)).withPageMapCache(cache));
        assertEquals("APPEND", decision(second, "webui.db").kind());
        assertReassemblesToSource(second.backupId(), "webui.db");
        assertNotEquals(db.pageMap(), entry(second.backupId(), "webui.db").pageMap());
    }

    @Test
    void encryptedContentsAreReusedThroughTheEntries() throws Exception {
        String pass = "correct horse battery staple";
        CodecSettings enc = new CodecSettings(true, 3, EncryptionKeys.of(pass.toCharArray(), List.of()), true);
        DecryptionKeys keys = DecryptionKeys.of(pass.toCharArray(), null);
        Path secret = Files.writeString(tmp.resolve(".webui_secret_key"), "s3cr3t");
        RepoBackupRunner.Options o = new RepoBackupRunner.Options(data, "open-webui", null, secret, enc, keys, false, tmp.resolve("staging"), null, 0);
        RepoBackupRunner.Result first = backup(o);
        Entry key = entries(first.backupId(), keys).stream().filter(e -> Entry.SECRET_KEY.equals(e.type())).findFirst().orElseThrow();
        assertEquals("rw-------", key.mode());
        assertEquals("zstd+pgp", key.storage());
        assertEquals("zstd+pgp", repo.backups().head(first.backupId()).chunkStorage());

        dayOfUse(data.resolve("webui.db"));
        RepoBackupRunner.Result second = backup(o);
        assertTrue(second.filesReused() > 0, "unchanged files keep their encrypted objects");
        assertEquals("APPEND", decision(second, "webui.db").kind());
        assertEquals("SAME", decision(second, "vector_db/chroma.sqlite3").kind());
        // the secret key (always stored), webui.db's page set and map, its chunk, the findings
        assertTrue(second.objectsWritten() <= 6, second.objectsWritten() + " objects written");
        assertReassemblesToSource(second.backupId(), "webui.db", keys);
        assertReassemblesToSource(second.backupId(), "vector_db/chroma.sqlite3", keys);
        // without the key, the encrypted previous entries cannot be merged: everything is stored anew, said so
        RepoBackupRunner.Result noKey = backup(new RepoBackupRunner.Options(data, "open-webui", null, secret, enc, null, false,
                tmp.resolve("staging"), null, 0));
        assertEquals(0, noKey.filesReused());
        assertTrue(noKey.warnings().stream().anyMatch(w -> w.contains("encrypted and no key")), noKey.warnings().toString());
    }

    @Test
    void aDamagedPageMapGivesANewImage() throws Exception {
        RepoBackupRunner.Result first = backup(options(CodecSettings.zstd(3)));
        Entry db = entry(first.backupId(), "webui.db");
        repo.damage().record(List.of(new DamageRecord.Damaged(db.pageMap(), first.backupId(), "webui.db", "test")));
        dayOfUse(data.resolve("webui.db"));
        RepoBackupRunner.Result second = backup(options(CodecSettings.zstd(3)));
        RepoBackupRunner.DatabaseDecision d = decision(second, "webui.db");
        assertEquals("IMAGE", d.kind());
        assertTrue(d.why().contains("damaged"), d.why());
        assertEquals("SAME", decision(second, "vector_db/chroma.sqlite3").kind());
        assertReassemblesToSource(second.backupId(), "webui.db");
    }

    /** A day's changes Mutator does not make (as PageBenchMain): activity, growing chats, deletions. */
    static void dayOfUse(Path webui) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + webui.toAbsolutePath()); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("UPDATE user SET last_active_at = 1764086400 + abs(random() % 86400)");
            s.executeUpdate("UPDATE chat SET chat = json_set(coalesce(chat, '{}'), '$.grown', hex(randomblob(400))), updated_at = 1764086400"
                    + " WHERE abs(random() % 10) = 0");
            s.executeUpdate("DELETE FROM chat WHERE id IN (SELECT id FROM chat ORDER BY random() LIMIT 1)");
            c.commit();
        }
    }
}
