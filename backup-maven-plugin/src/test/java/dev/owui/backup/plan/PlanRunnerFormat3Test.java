package dev.owui.backup.plan;

import dev.owui.backup.capture.CaptureEvents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.engine.TreeImport;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetLock;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan runner with format 3 targets: one capture staged locally, imported into each target's
 * repository (and copied as a tree to format 2 targets of the same plan), retention over both
 * formats at a target holding both, and backup ids that one format never takes from the other.
 */
class PlanRunnerFormat3Test {
    @TempDir
    Path tmp;

    private TargetContext context() {
        return new TargetContext(tmp, true, id -> {
            throw new AssertionError("no SSH here");
        }, id -> {
            throw new AssertionError("no credentials here");
        }, Map.of());
    }

    private static TargetSpec local(String id, Path dir) {
        return new TargetSpec(id, dir.toString(), null, null, null, null);
    }

    private PlanRunner.Repositories repositories(TargetContext ctx) {
        return new PlanRunner.Repositories(s -> RepoStores.open(s, ctx),
                new TreeImport.Options(CodecSettings.zstd(3), DecryptionKeys.none(), tmp.resolve("capture"), tmp.resolve("pagemaps"), 2),
                tmp.resolve("scratch"));
    }

    private PlanRunner.Request request(Fixture f, List<TargetSpec> targets, TargetContext ctx, Policy retention, ToIntFunction<TargetSpec> format) {
        return new PlanRunner.Request(t -> TestSupport.options(f.dataDir(), t).withCodec(CodecSettings.zstd(3)), targets,
                s -> Targets.open(s, ctx), tmp.resolve("staging"), retention, ZoneOffset.UTC, null).withFormats(format, repositories(ctx));
    }

    private Repository repo(Path dir) {
        return Repository.open(new LocalObjectStore(dir), "test", tmp.resolve("scratch"), EngineLog.SILENT);
    }

    /** The ids of the format 3 heads in {@code <dir>/test}, oldest first. */
    private List<String> heads(Path dir) {
        return repo(dir).backups().list();
    }

    private String stagedId() {
        List<String> staged = new LocalTarget(tmp.resolve("staging"), "s", false).backups("test");
        assertEquals(1, staged.size(), staged.toString());
        return staged.get(0);
    }

    /** Every file of a restore against the data directory it came from (a cold-like static fixture: same bytes). */
    private void assertRestoresTheData(Repository repo, String id, Fixture f) throws Exception {
        Path into = tmp.resolve("restored-" + System.nanoTime());
        new RepoRestore(repo).run(new RepoRestore.Options(id, into, DecryptionKeys.none(), null));
        Map<String, Path> got = files(into);
        Map<String, Path> source = files(f.dataDir());
        source.keySet().removeIf(p -> !dev.owui.backup.instance.FileSelector.defaults().selects(p)
                || p.endsWith("-wal") || p.endsWith("-shm") || p.endsWith("-journal"));
        assertEquals(source.keySet(), got.keySet());
        for (String p : source.keySet()) {
            if (!dev.owui.backup.instance.SqliteFiles.hasSqliteHeader(source.get(p))) {
                assertEquals(-1L, Files.mismatch(source.get(p), got.get(p)), p);
            }
        }
    }

    private static Map<String, Path> files(Path root) throws Exception {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> w = Files.walk(root)) {
            w.filter(Files::isRegularFile).forEach(p -> out.put(root.relativize(p).toString(), p));
        }
        return out;
    }

    @Test
    void aPlanToALocalAndAnSftpRepositoryCapturesOnceAndImportsIntoBoth() throws Exception {
        Sshd.assumeAvailable();
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path remote = Files.createDirectories(tmp.resolve("remote"));
        try (Sshd sshd = Sshd.start(tmp.resolve("sshd"))) {
            TargetContext ctx = new TargetContext(tmp, true, id -> sshd.options(), id -> null, Map.of());
            List<TargetSpec> targets = List.of(local("disk", tmp.resolve("disk")), new TargetSpec("nas", sshd.url(remote.toString()), null, null, null, null));
            int[] captures = {0};
            CaptureEvents counting = new CaptureEvents() {
                @Override
                public void stored(dev.owui.backup.format.FileEntry e) {
                }

                @Override
                public void capturing(String rel) {
                    if (rel.equals("webui.db")) {
                        captures[0]++;
                    }
                }
            };
            PlanRunner.Result first = new PlanRunner(new RecordingLog()).run(request(f, targets, ctx, null, s -> 3).withEvents(counting, CaptureEvents.NONE));
            first.throwIfFailed();
            assertEquals(1, captures[0], "webui.db captured once for both targets");
            assertTrue(first.staged());
            String id = stagedId();
            assertEquals(id, first.backup().manifest().backupId());
            assertEquals(List.of(id), heads(tmp.resolve("disk")), "the local repository's head is the staged capture");
            assertEquals(List.of(id), heads(remote), "the SFTP repository's head is the same capture");
            assertEquals(List.of(), TestSupport.target(tmp.resolve("disk")).backups("test"), "no tree at a format 3 target");
            for (PlanRunner.TargetOutcome o : first.targets()) {
                assertEquals(3, o.format());
                assertEquals(id, o.backupId());
                assertTrue(o.bytesSent() > 0 && o.imported() != null, o.toString());
            }
            var stagedManifest = new LocalTarget(tmp.resolve("staging"), "s", false).manifest("test", id);
            assertTrue(stagedManifest.storage() == null || stagedManifest.storage().describe().equals("plain"),
                    "nothing copies the staged tree as it is, so it is stored plain: " + stagedManifest.storage());

            Mutator.change(f.dataDir(), 2, 3);
            PlanRunner.Result second = new PlanRunner(new RecordingLog()).run(request(f, targets, ctx, null, s -> 3));
            second.throwIfFailed();
            String id2 = second.backup().manifest().backupId();
            assertEquals(List.of(id, id2), heads(remote));
            try (var nas = Targets.open(targets.get(1), ctx)) {
                assertEquals(Set.of(id, id2), Set.copyOf(nas.format3Ids("test")), "a tree writer at the SFTP target sees the heads' ids");
            }
            assertTrue(second.targets().get(1).bytesSent() * 3 < first.targets().get(1).bytesSent(),
                    "the second import stores what changed: " + second.targets().get(1).bytesSent() + " vs " + first.targets().get(1).bytesSent());
            assertRestoresTheData(repo(tmp.resolve("disk")), id2, f);
        }
    }

    @Test
    void aFormat2AndAFormat3TargetInOnePlanGetTheSameCapture() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        TargetSpec trees = local("trees", tmp.resolve("trees"));
        TargetSpec repoTarget = local("repo", tmp.resolve("repo"));
        PlanRunner.Result r = new PlanRunner(new RecordingLog()).run(request(f, List.of(trees, repoTarget), context(), null,
                s -> s.id().equals("repo") ? 3 : 2));
        r.throwIfFailed();
        String id = r.backup().manifest().backupId();
        assertEquals(List.of(id), TestSupport.target(tmp.resolve("trees")).backups("test"), "a tree at the format 2 target");
        assertFalse(Files.exists(tmp.resolve("trees/test/repository.json")), "no repository at the format 2 target");
        assertTrue(TestSupport.target(tmp.resolve("trees")).manifest("test", id).storage().describe().contains("zstd"),
                "the tree is stored as the run asks (the staging tree is copied as it is)");
        assertEquals(List.of(id), heads(tmp.resolve("repo")));
        assertEquals(List.of(), TestSupport.target(tmp.resolve("repo")).backups("test"));
        assertEquals(List.of(2, 3), r.targets().stream().map(PlanRunner.TargetOutcome::format).toList());
        assertNull(r.targets().get(0).imported());
        assertRestoresTheData(repo(tmp.resolve("repo")), id, f);
    }

    @Test
    void retentionAtATargetHoldingBothFormatsCountsBoth() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        TargetSpec nas = local("nas", tmp.resolve("nas"));
        List<TargetSpec> one = List.of(nas);
        String a = runOnce(f, one, null, 3);
        String b = runOnce(f, one, null, 3);
        // A format 2 run (a single hot target: written directly) with "keep the last 2": of a, b and
        // its own tree, a goes, though a is a format 3 backup.
        PlanRunner.Result c = new PlanRunner(new RecordingLog()).run(request(f, one, context(), new Policy(2, 0, 0, 0, 0, 0), s -> 2));
        c.throwIfFailed();
        String cid = c.backup().manifest().backupId();
        assertEquals(List.of(a), c.targets().get(0).pruned());
        assertEquals(List.of(b), heads(tmp.resolve("nas")));
        assertEquals(List.of(cid), TestSupport.target(tmp.resolve("nas")).backups("test"));

        // A format 3 run (staged) with "keep the last 1": the tree and the older head go.
        PlanRunner.Result d = new PlanRunner(new RecordingLog()).run(request(f, one, context(), Policy.keepLast(1), s -> 3));
        d.throwIfFailed();
        String did = d.targets().get(0).backupId();
        assertEquals(Set.of(b, cid), Set.copyOf(d.targets().get(0).pruned()));
        assertEquals(List.of(did), heads(tmp.resolve("nas")));
        assertEquals(List.of(), TestSupport.target(tmp.resolve("nas")).backups("test"));
    }

    @Test
    void fullStoresEverythingAnewInTheRepositoryToo() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        List<TargetSpec> one = List.of(local("nas", tmp.resolve("nas")));
        PlanRunner.Result first = new PlanRunner(new RecordingLog()).run(request(f, one, context(), null, s -> 3));
        first.throwIfFailed();
        TreeImport.Options fullImport = new TreeImport.Options(CodecSettings.zstd(3), DecryptionKeys.none(), tmp.resolve("capture"),
                tmp.resolve("pagemaps"), 2, true);
        PlanRunner.Request full = new PlanRunner.Request(t -> TestSupport.options(f.dataDir(), t).withFull(true), one,
                s -> Targets.open(s, context()), tmp.resolve("staging"), null, ZoneOffset.UTC, null)
                .withFormats(s -> 3, new PlanRunner.Repositories(s -> RepoStores.open(s, context()), fullImport, tmp.resolve("scratch")));
        PlanRunner.Result second = new PlanRunner(new RecordingLog()).run(full);
        second.throwIfFailed();
        PlanRunner.TargetOutcome o = second.targets().get(0);
        assertEquals(0, o.bytesShared(), "nothing reused: " + o);
        assertTrue(o.bytesSent() >= first.targets().get(0).bytesSent() * 9 / 10, o.bytesSent() + " vs " + first.targets().get(0).bytesSent());
        assertTrue(o.imported().databases().stream().allMatch(d -> d.kind().toString().equals("IMAGE")), o.imported().databases().toString());
    }

    private String runOnce(Fixture f, List<TargetSpec> targets, Policy retention, int format) throws Exception {
        Mutator.change(f.dataDir(), 1, (int) (System.nanoTime() % 1000));
        PlanRunner.Result r = new PlanRunner(new RecordingLog()).run(request(f, targets, context(), retention, s -> format));
        r.throwIfFailed();
        return r.targets().get(0).backupId();
    }

    @Test
    void aStagedImportTakesTheNextFreeIdWhenATreeAtTheTargetHasTheStagedOne() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path nas = tmp.resolve("nas");
        // A format 2 backup at the target; while the staged capture runs (its id chosen), that tree is
        // renamed to the staged id: a format 2 run that started in the same second.
        String tree = TestSupport.backup(f.dataDir(), TestSupport.target(nas)).manifest().backupId();
        AtomicBoolean renamed = new AtomicBoolean();
        CaptureEvents sameSecond = e -> {
            if (renamed.compareAndSet(false, true)) {
                try (Stream<Path> s = Files.list(tmp.resolve("staging/test"))) {
                    String partial = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".partial")).findFirst().orElseThrow();
                    String staged = partial.substring(1, partial.length() - ".partial".length());
                    Files.move(nas.resolve("test").resolve(tree), nas.resolve("test").resolve(staged));
                } catch (java.io.IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            }
        };
        RecordingLog log = new RecordingLog();
        PlanRunner.Result r = new PlanRunner(log)
                .run(request(f, List.of(local("nas", nas)), context(), null, s -> 3).withEvents(sameSecond, CaptureEvents.NONE));
        r.throwIfFailed();
        String staged = r.backup().manifest().backupId();
        assertEquals(List.of(staged), TestSupport.target(nas).backups("test"), "the tree now has the staged id");
        String head = r.targets().get(0).backupId();
        assertEquals(staged + "-2", head, "the import took the next free id of the second");
        assertEquals(List.of(head), heads(nas));
        assertEquals(head, repo(nas).backups().head(head).backupId());
        assertTrue(log.saidAnywhere("is taken at"), "said why");
    }

    /** Tree folders (each a copy of a real tree's manifest) named for every second from now on: any backup starting meanwhile meets its id taken. */
    private static void treesForTheNextSeconds(Path instanceDir, Path manifest, int seconds) throws Exception {
        Instant now = Instant.now();
        for (int i = 0; i < seconds; i++) {
            Path dir = Files.createDirectories(instanceDir.resolve(BackupId.of(now.plusSeconds(i))));
            if (!Files.exists(dir.resolve("manifest.json"))) {
                Files.copy(manifest, dir.resolve("manifest.json"));
            }
        }
    }

    @Test
    void aFormat3BackupNeverTakesTheIdOfATreeAtTheSameTarget() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path nas = tmp.resolve("nas");
        LocalTarget target = TestSupport.target(nas);
        String tree = TestSupport.backup(f.dataDir(), target).manifest().backupId();
        treesForTheNextSeconds(nas.resolve("test"), nas.resolve("test").resolve(tree).resolve("manifest.json"), 30);
        List<String> trees = target.backups("test");
        try (ObjectStore store = new LocalObjectStore(nas)) {
            Repository repo = Repository.open(store, "test", tmp.resolve("scratch"), EngineLog.SILENT);
            String id = new RepoBackupRunner(EngineLog.SILENT).run(repo,
                    new RepoBackupRunner.Options(f.dataDir(), "test", CodecSettings.plain(), false, tmp.resolve("capture")), target).backupId();
            assertFalse(trees.contains(id), id + " is a tree's id");
            assertTrue(id.endsWith("-2"), id);
        }
        assertFalse(Files.exists(nas.resolve("test/.lock")), "the trees' lock is released");
    }

    @Test
    void aTreeBackupNeverTakesTheIdOfAFormat3BackupAtTheSameTarget() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path nas = tmp.resolve("nas");
        String head;
        try (ObjectStore store = new LocalObjectStore(nas)) {
            head = new RepoBackupRunner(EngineLog.SILENT).run(Repository.open(store, "test", tmp.resolve("scratch"), EngineLog.SILENT),
                    new RepoBackupRunner.Options(f.dataDir(), "test", CodecSettings.plain(), false, tmp.resolve("capture"))).backupId();
        }
        // Heads named for every second from now on (copies of the real head: only their names count here).
        Instant now = Instant.now();
        for (int i = 0; i < 30; i++) {
            Path h = nas.resolve("test/backups").resolve(BackupId.of(now.plusSeconds(i)) + ".json");
            if (!Files.exists(h)) {
                Files.copy(nas.resolve("test/backups").resolve(head + ".json"), h);
            }
        }
        List<String> heads = TestSupport.target(nas).format3Ids("test");
        assertTrue(heads.size() >= 30, heads.toString());
        String id = TestSupport.backup(f.dataDir(), TestSupport.target(nas)).manifest().backupId();
        assertFalse(heads.contains(id), id + " is a format 3 backup's id");
        assertTrue(id.endsWith("-2"), id);
    }

    @Test
    void aFormat3BackupAtATargetWithTreesWaitsForNoFormat2Run() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path nas = tmp.resolve("nas");
        LocalTarget target = TestSupport.target(nas);
        TestSupport.backup(f.dataDir(), target);
        try (ObjectStore store = new LocalObjectStore(nas); TargetLock format2Run = target.lock("test")) {
            Repository repo = Repository.open(store, "test", tmp.resolve("scratch"), EngineLog.SILENT);
            OwuiException e = assertThrows(OwuiException.class, () -> new RepoBackupRunner(EngineLog.SILENT).run(repo,
                    new RepoBackupRunner.Options(f.dataDir(), "test", CodecSettings.plain(), false, tmp.resolve("capture")), target));
            assertTrue(e.getMessage().contains("holds the lock") && e.getMessage().contains(".lock"), e.getMessage());
            assertEquals(List.of(), repo.backups().list(), "nothing written");
        }
        // Without trees, a format 3 target gets no .lock file at all.
        Path only3 = tmp.resolve("only3");
        try (ObjectStore store = new LocalObjectStore(only3)) {
            Repository repo = Repository.open(store, "test", tmp.resolve("scratch"), EngineLog.SILENT);
            String id = new RepoBackupRunner(EngineLog.SILENT).run(repo,
                    new RepoBackupRunner.Options(f.dataDir(), "test", CodecSettings.plain(), false, tmp.resolve("capture")),
                    TestSupport.target(only3)).backupId();
            assertNotEquals(null, id);
        }
        try (Stream<Path> s = Files.list(only3.resolve("test"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().equals(".lock")));
        }
    }
}
