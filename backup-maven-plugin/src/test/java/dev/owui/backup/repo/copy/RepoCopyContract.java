package dev.owui.backup.repo.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.RepoJson;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.damage.DamageRecord;
import dev.owui.backup.repo.lock.LockInfo;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.StoreStat;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format 3 copy from one repository to another on each store (a folder, OpenSSH's sshd,
 * S3Proxy), source and destination both on it: copying twice, damage at the source (refused,
 * never stored), damage recorded at the destination (copied anew), a connection cut mid-copy, and
 * every copied backup restoring byte for byte as the source's does.
 */
abstract class RepoCopyContract {
    @TempDir
    Path tmp;
    Path data;
    ObjectStore srcStore;
    ObjectStore dstStore;
    Repository src;
    Repository dst;
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

    /** A store of its own for {@code name} ("src", "dst") on the server under test. */
    abstract ObjectStore openStore(String name) throws Exception;

    /** Cuts every connection to the server (local: the process "dies": this throws). Called from a copy's worker. */
    abstract void cut();

    /** Serves again after {@link #cut()}. */
    abstract void heal() throws Exception;

    @BeforeEach
    void open() throws Exception {
        data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(3).build();
        reopen();
    }

    void reopen() throws Exception {
        close();
        srcStore = openStore("src");
        dstStore = openStore("dst");
        src = Repository.open(srcStore, "open-webui", tmp.resolve("scratch-src"), log);
        dst = Repository.open(dstStore, "open-webui", tmp.resolve("scratch-dst"), log);
    }

    @AfterEach
    void close() {
        if (srcStore != null) {
            srcStore.close();
        }
        if (dstStore != null) {
            dstStore.close();
        }
    }

    String backup() {
        return new RepoBackupRunner(log).run(src, new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false,
                tmp.resolve("staging"))).backupId();
    }

    List<RepoCopier.Copied> copy(List<String> ids, RepoCopier.Listener listener) {
        return new RepoCopier(log, listener).copy(src, dst, ids, List.of(), new RepoCopier.Options(DecryptionKeys.none(), 2, null));
    }

    List<RepoCopier.Copied> copy(List<String> ids) {
        return copy(ids, RepoCopier.Listener.NONE);
    }

    /** Object name → stored size, from one listing of objects/. */
    static Map<String, Long> objects(Repository repo) {
        Map<String, Long> out = new TreeMap<>();
        repo.store().list(repo.key(ObjectNames.DIR), s -> {
            String n = ObjectNames.nameOf(repo.relative(s.key()));
            if (n != null) {
                out.put(n, s.size());
            }
        });
        return out;
    }

    static List<Entry> entries(Repository repo, String id) {
        BackupHead h = repo.backups().head(id);
        List<Entry> out = new ArrayList<>();
        try (EntryIterator it = repo.backups().entries(h, DecryptionKeys.none())) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Every object a backup names: chunks, findings, contents, page maps, layers. */
    static Set<String> named(Repository repo, String id) {
        BackupHead h = repo.backups().head(id);
        Set<String> out = new java.util.TreeSet<>();
        h.chunks().forEach(c -> out.add(c.object()));
        if (h.findings() != null) {
            out.add(h.findings());
        }
        entries(repo, id).forEach(e -> out.addAll(e.objects()));
        return out;
    }

    /** A plain upload's entry of backup {@code id} (its one object is its content). */
    static Entry anUpload(Repository repo, String id) {
        return entries(repo, id).stream().filter(e -> Entry.FILE.equals(e.type()) && e.path().startsWith("uploads/") && e.size() > 100)
                .findFirst().orElseThrow();
    }

    /** Restores {@code id} from the source and from the destination and compares the two, byte for byte. */
    void assertRestoresAlike(String id) throws Exception {
        Path a = tmp.resolve("from-src-" + id);
        Path b = tmp.resolve("from-dst-" + id);
        new RepoRestore(src).run(new RepoRestore.Options(id, a, DecryptionKeys.none(), tmp.resolve("key-src-" + id)));
        new RepoRestore(dst).run(new RepoRestore.Options(id, b, DecryptionKeys.none(), tmp.resolve("key-dst-" + id)));
        assertSameTree(a, b);
    }

    static void assertSameTree(Path expected, Path actual) throws Exception {
        List<String> x = relative(expected);
        assertEquals(x, relative(actual));
        for (String rel : x) {
            Path p = expected.resolve(rel);
            Path q = actual.resolve(rel);
            assertEquals(Files.isSymbolicLink(p), Files.isSymbolicLink(q), rel);
            if (Files.isSymbolicLink(p)) {
                assertEquals(Files.readSymbolicLink(p), Files.readSymbolicLink(q), rel);
            } else if (Files.isRegularFile(p)) {
                assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(q), rel);
                assertEquals(Files.getPosixFilePermissions(p), Files.getPosixFilePermissions(q), rel);
                assertEquals(Files.getLastModifiedTime(p), Files.getLastModifiedTime(q), rel);
            }
        }
    }

    static List<String> relative(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** Damages an object in place: same length, one byte flipped (delete, then write: stores cannot overwrite). */
    static void flipAByte(Repository repo, String name) throws Exception {
        String key = repo.key(ObjectNames.relativeKey(name));
        byte[] b;
        try (InputStream in = repo.store().read(key)) {
            b = in.readAllBytes();
        }
        b[b.length / 2] ^= 0x40;
        repo.store().delete(key);
        assertTrue(repo.store().writeIfAbsent(key, b));
    }

    @Test
    void aSecondCopyCopiesNothingAndANewBackupOnlyWhatItAdds() throws Exception {
        String b1 = backup();
        Mutator.change(data, 3, 7);
        String b2 = backup();

        List<RepoCopier.Copied> first = copy(List.of(b1, b2));
        assertEquals(List.of(b1, b2), dst.backups().list());
        assertFalse(first.get(0).skipped());
        assertEquals(named(src, b1).size(), first.get(0).objectsCopied(), "into an empty destination, every object b1 names is sent, each once");
        assertTrue(first.get(1).objectsPresent() > first.get(1).objectsCopied(), "the second backup shares most objects with the first: " + first.get(1));
        assertEquals(objects(src), objects(dst), "every object of the source is named by one of its backups, and arrived with its size");
        assertArrayEquals(srcStore.read(src.key("backups/" + b2 + ".json")).readAllBytes(), dstStore.read(dst.key("backups/" + b2 + ".json")).readAllBytes(),
                "the head is copied byte for byte");
        assertEquals(List.of(), RepoLock.list(dst), "no lock left at the destination");
        assertEquals(List.of(), RepoLock.list(src), "nor at the source");

        Map<String, Long> before = objects(dst);
        AtomicInteger sent = new AtomicInteger();
        List<RepoCopier.Copied> again = copy(List.of(b1, b2), (n, s) -> sent.incrementAndGet());
        assertTrue(again.stream().allMatch(RepoCopier.Copied::skipped), again.toString());
        assertEquals(0, sent.get());
        assertEquals(before, objects(dst));

        Mutator.change(data, 1, 8);
        String b3 = backup();
        List<RepoCopier.Copied> third = copy(List.of(b1, b2, b3));
        RepoCopier.Copied c3 = third.get(2);
        assertEquals(b3, c3.backupId());
        assertEquals(objects(src), objects(dst));
        assertTrue(c3.objectsCopied() > 0 && c3.objectsPresent() > c3.objectsCopied(), c3.toString());
        for (String id : List.of(b1, b3)) {
            assertRestoresAlike(id);
        }
    }

    @Test
    void aDamagedObjectAtTheSourceFailsTheCopyNamingItAndIsNeverStored() throws Exception {
        String b1 = backup();
        Mutator.change(data, 3, 9);
        String b2 = backup();
        Entry victim = entries(src, b2).stream().filter(e -> Entry.FILE.equals(e.type()) && e.size() > 100
                && entries(src, b1).stream().noneMatch(o -> e.object().equals(o.object()))).findFirst().orElseThrow();
        flipAByte(src, victim.object());

        OwuiException e = assertThrows(OwuiException.class, () -> copy(List.of(b1, b2)));
        assertTrue(e.getMessage().contains(victim.object()) && e.getMessage().contains("damaged at the source"), e.getMessage());
        assertTrue(e.getMessage().contains(victim.path()), "and the file that needs it: " + e.getMessage());
        assertEquals(List.of(b1), dst.backups().list(), "the older backup is copied, the damaged one never becomes a backup there");
        assertFalse(objects(dst).containsKey(victim.object()), "bytes that do not hash to their name are never stored");
        assertEquals(List.of(), RepoLock.list(dst));
        assertRestoresAlike(b1);
    }

    @Test
    void anObjectRecordedDamagedAtTheDestinationIsCopiedAnewAndMendsTheBackupsThere() throws Exception {
        String b1 = backup();
        Mutator.change(data, 2, 10);
        String b2 = backup();
        copy(List.of(b1));
        Entry shared = anUpload(src, b1);
        assertTrue(entries(src, b2).stream().anyMatch(x -> shared.object().equals(x.object())), "b2 names it too");
        flipAByte(dst, shared.object());
        dst.damage().record(List.of(new DamageRecord.Damaged(shared.object(), b1, shared.path(), "hash mismatch")));

        List<RepoCopier.Copied> r = copy(List.of(b1, b2));
        assertEquals(1, r.get(1).objectsRepaired(), r.toString());
        assertArrayEquals(srcStore.read(src.key(ObjectNames.relativeKey(shared.object()))).readAllBytes(),
                dstStore.read(dst.key(ObjectNames.relativeKey(shared.object()))).readAllBytes(), "the damaged object was replaced");
        assertEquals(List.of(), dst.damage().list(), "the record is dropped: all it named was copied anew");
        assertRestoresAlike(b1); // mended: b1 names the same object
        assertRestoresAlike(b2);
    }

    @Test
    void aCopyCutOffMidwayLeavesNoHeadAndTheNextRunFinishes() throws Exception {
        String b1 = backup();
        AtomicInteger n = new AtomicInteger();
        RuntimeException e = assertThrows(RuntimeException.class, () -> copy(List.of(b1), (name, size) -> {
            if (n.incrementAndGet() == 4) {
                cut();
            }
        }));
        assertTrue(n.get() >= 4, "cut after objects arrived: " + e);
        heal();
        reopen(); // the next run: a new process, new connections
        assertEquals(List.of(), dst.backups().list(), "no head: the cut copy is no backup");
        int arrived = objects(dst).size();
        assertTrue(arrived >= 4, "objects stored before the cut stay: " + arrived);
        endOfProcess();

        List<RepoCopier.Copied> r = copy(List.of(b1));
        assertEquals(List.of(b1), dst.backups().list());
        assertTrue(r.get(0).objectsPresent() >= arrived, "what arrived before is not sent again: " + r);
        assertEquals(objects(src), objects(dst));
        assertRestoresAlike(b1);
    }

    /**
     * What the end of the cut run's process does to the locks it could not remove (the connection
     * was gone): they become stale, as their pid is gone from this host (KilledCopyTest shows it
     * with a real SIGKILL). Here the pid is this test's, alive, so they are removed as stale ones would be.
     */
    void endOfProcess() {
        long pid = ProcessHandle.current().pid();
        for (Repository r : List.of(src, dst)) {
            for (StoreStat s : RepoLock.list(r)) {
                LockInfo l = RepoJson.read(r.store().read(s.key()), LockInfo.class, s.key());
                assertEquals(pid, l.pid(), "only the cut run's locks are left");
                r.store().delete(s.key());
            }
        }
    }

    @Test
    void theSameRepositoryOrSettingsOtherThanStoredAreRefusedBeforeAnythingIsCopied() throws Exception {
        String b1 = backup();
        OwuiException same = assertThrows(OwuiException.class,
                () -> new RepoCopier(log).copy(src, src, List.of(b1), List.of(), new RepoCopier.Options(null, 2, null)));
        assertTrue(same.getMessage().contains("same repository"), same.getMessage());

        RepoCopier.Required plain = new RepoCopier.Required(CodecSettings.plain().recorded(), false);
        OwuiException other = assertThrows(OwuiException.class,
                () -> new RepoCopier(log).copy(src, dst, List.of(b1), List.of(), new RepoCopier.Options(null, 2, plain)));
        assertTrue(other.getMessage().contains("does not re-encode") && other.getMessage().contains("zstd-3"), other.getMessage());
        assertEquals(Map.of(), objects(dst));
        assertEquals(List.of(), dst.backups().list());

        RepoCopier.Required alike = new RepoCopier.Required(CodecSettings.zstd(3).recorded(), false);
        new RepoCopier(log).copy(src, dst, List.of(b1), Set.of(), new RepoCopier.Options(null, 2, alike));
        assertEquals(List.of(b1), dst.backups().list());
    }
}
