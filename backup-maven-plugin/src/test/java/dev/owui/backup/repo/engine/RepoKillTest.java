package dev.owui.backup.repo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.instance.SqliteCapture;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.prune.PruneReport;
import dev.owui.backup.repo.restore.ReadData;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.restore.RepoVerify;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.TestKeys;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 9: kill -9 of a WHOLE format 3 backup process. Each backup runs in a JVM of its
 * own ({@link KillableBackupMain}: RepoBackupRunner over the real LocalObjectStore), which is sent
 * SIGKILL at deterministic points (after the first and third object, halfway through an object's
 * write, right before and right after the head) and after two random delays. After every kill:
 * the backups listed are exactly those whose head was written, every object a head names exists
 * and verifies with all data read, and the first backup still restores byte for byte as before.
 * Then the next run succeeds and restores to the source; a prune removes the killed runs' strays
 * (objects no head names, and the half-written temp once it is a day old), and nothing else.
 */
class RepoKillTest {
    private static final String INSTANCE = "open-webui";

    @TempDir
    Path tmp;

    private Path data;
    private Path target;
    private int runs;

    @Test
    void aBackupProcessKilledAtAnyPointLeavesEveryEarlierBackupWholeAndTheNextRunCleansUp() throws Exception {
        data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(5).targetBytes(2L << 20).build();
        target = tmp.resolve("target");

        String first = run("none").done();
        Path firstRestored = restore(first, "first-before");
        List<String> heads = new ArrayList<>(List.of(first));

        Random rnd = new Random(11);
        List<String> points = List.of("objects:1", "mid-object:2", "objects:3", "head", "after-head", "random", "random");
        int day = 0;
        for (String point : points) {
            // every killed run has a day of changes of its own to store: new uploads, chats, a grown vector segment
            Mutator.change(data, 3, 100 + day++);
            Child c = point.equals("random") ? run("none", rnd.nextInt(1500)) : run(point);
            if (c.done() != null) {
                heads.add(c.done()); // a random delay that came after the end: a complete backup
            } else if (point.equals("after-head")) {
                heads.add(headsNow().get(headsNow().size() - 1));
            }
            String what = point + " (" + c.said() + ")";
            assertEquals(heads, headsNow(), "after the kill at " + what + ": exactly the backups whose head was written");
            assertIntact(what);
            assertSameTree(firstRestored, restore(first, "first-after-" + runs), "the first backup after the kill at " + what);
        }

        String next = run("none").done();
        heads.add(next);
        assertEquals(heads, headsNow());
        assertRestoresToSource(next);
        try (Stream<Path> left = Files.list(tmp.resolve("staging"))) {
            assertEquals(List.of(), left.map(x -> x.getFileName().toString()).toList(),
                    "the next run removed the captures the killed runs left in the staging folder");
        }

        // the strays of the killed runs: objects no head names, and the half-written temp, once it is old enough
        Set<String> referenced = assertIntact("before the prune");
        Set<String> before = objects();
        // A local store names objects in batches after one fsync (FORMAT.md, "Order of writes"): a killed run
        // leaves mostly temp files, and named strays only where a batch was published before the kill.
        List<Path> temps = temps();
        assertTrue(temps.size() >= 1, "at least the half-written object's temp: " + temps);
        assertTrue(before.size() - referenced.size() + temps.size() > 1,
                "the killed runs left strays (unreferenced objects or temps): " + (before.size() - referenced.size()) + " objects, " + temps.size() + " temps");
        for (Path t : temps) {
            Files.setLastModifiedTime(t, FileTime.from(Instant.now().minus(2, ChronoUnit.DAYS)));
        }
        PruneReport pr;
        try (LocalObjectStore store = new LocalObjectStore(target)) {
            Repository repo = repo(store);
            try (RepoLock lock = repo.lock(true, "owui:prune")) { // the killed runs' locks are stale (dead pids): removed here
                pr = repo.pruner().prune(lock, List.of(), DecryptionKeys.none());
            }
        }
        assertEquals(before.size() - referenced.size(), pr.objectsDeleted(), "the prune removes exactly the strays");
        assertEquals(temps.size(), pr.tempsRemoved());
        assertEquals(referenced, objects(), "after the prune every object is named by a head");
        assertEquals(List.of(), temps());
        assertEquals(heads, headsNow());
        assertIntact("after the prune");
        assertSameTree(firstRestored, restore(first, "first-after-prune"), "the first backup after the prune");
        assertRestoresToSource(next);
    }

    // ------------------------------------------------------------------------------------ child

    record Child(String done, String said) {
    }

    private Child run(String point) throws Exception {
        return run(point, -1);
    }

    /**
     * Runs one backup in a child JVM. With a point other than none, waits for it to pause there
     * and kills it; with {@code delayMs >= 0}, kills it that long after it started (unless it
     * finished first). Returns the id of a backup that finished, else null.
     */
    private Child run(String point, int delayMs) throws Exception {
        runs++;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                KillableBackupMain.class.getName(), data.toString(), target.toString(), tmp.resolve("staging").toString(), point)
                .redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder all = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (all) {
                        all.append(l).append('\n');
                    }
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
            lines.add("EOF");
        });
        reader.setDaemon(true);
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String done = null;
            String said = null;
            while (said == null) {
                String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) {
                    fail("run " + runs + " (" + point + ") said nothing for 60 s: " + all);
                } else if (l.startsWith("STARTED") && delayMs >= 0) {
                    if (p.waitFor(delayMs, TimeUnit.MILLISECONDS)) {
                        reader.join(5_000);
                        String out;
                        synchronized (all) {
                            out = all.toString();
                        }
                        done = out.lines().filter(x -> x.startsWith("DONE ")).map(x -> x.split(" ")[1]).findFirst().orElse(null);
                        assertTrue(done != null, "run " + runs + " ended before the kill without a backup: " + out);
                        said = "finished within " + delayMs + " ms";
                    } else {
                        kill(p);
                        said = "killed " + delayMs + " ms after it started";
                    }
                } else if (l.startsWith("PAUSED ")) {
                    assertTrue(!point.equals("none"), "paused without a point: " + l);
                    kill(p);
                    said = l;
                } else if (l.startsWith("DONE ")) {
                    assertEquals("none", point, "run " + runs + " finished without reaching " + point + ": " + all);
                    done = l.split(" ")[1];
                    said = l;
                    assertEquals(0, p.waitFor(), "run " + runs + ": " + all);
                } else if (l.equals("EOF")) {
                    fail("run " + runs + " (" + point + ") ended early, exit " + p.waitFor() + ": " + all);
                }
            }
            return new Child(done, said);
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** SIGKILL (kill -9): the process gets no chance to clean up, as after kill -9 or the OOM killer. */
    private static void kill(Process p) throws Exception {
        Process k = new ProcessBuilder("kill", "-KILL", String.valueOf(p.pid())).start();
        assertEquals(0, k.waitFor());
        assertEquals(128 + 9, p.waitFor(), "killed by SIGKILL");
    }

    // --------------------------------------------------------------------------------- checking

    private Repository repo(LocalObjectStore store) {
        return Repository.open(store, INSTANCE, tmp.resolve("scratch-test"), EngineLog.SILENT);
    }

    private List<String> headsNow() {
        try (LocalObjectStore store = new LocalObjectStore(target)) {
            return repo(store).backups().list();
        }
    }

    /** Every object under objects/. */
    private Set<String> objects() {
        Set<String> out = new TreeSet<>();
        try (LocalObjectStore store = new LocalObjectStore(target)) {
            Repository repo = repo(store);
            store.list(repo.key(ObjectNames.DIR), s -> {
                String n = ObjectNames.nameOf(repo.relative(s.key()));
                if (n != null) {
                    out.add(n);
                }
            });
        }
        return out;
    }

    private List<Path> temps() throws IOException {
        try (Stream<Path> w = Files.walk(target)) {
            return w.filter(p -> TestKeys.isTemp(p.getFileName().toString())).toList();
        }
    }

    /**
     * No head names a missing object (each head's chunks and findings, each entry's objects), and
     * every backup verifies with all data read. Returns the objects the heads name.
     */
    private Set<String> assertIntact(String when) {
        Set<String> referenced = new TreeSet<>();
        Set<String> present = objects();
        try (LocalObjectStore store = new LocalObjectStore(target)) {
            Repository repo = repo(store);
            for (String id : repo.backups().list()) {
                BackupHead h = repo.backups().head(id);
                h.chunks().forEach(c -> referenced.add(c.object()));
                if (h.findings() != null) {
                    referenced.add(h.findings());
                }
                try (EntryIterator it = repo.backups().entries(h, DecryptionKeys.none())) {
                    it.forEachRemaining(e -> referenced.addAll(e.objects()));
                }
            }
            Set<String> missing = new TreeSet<>(referenced);
            missing.removeAll(present);
            assertEquals(Set.of(), missing, when + ": objects named by a head but missing");
            RepoVerify.Result v = new RepoVerify(repo).run(new RepoVerify.Options(null, ReadData.all(), DecryptionKeys.none(), false));
            assertTrue(v.ok(), when + ": verify found " + v.problems());
        }
        return referenced;
    }

    private Path restore(String id, String name) {
        Path dest = tmp.resolve("restored").resolve(name);
        try (LocalObjectStore store = new LocalObjectStore(target)) {
            new RepoRestore(repo(store)).run(new RepoRestore.Options(id, dest, DecryptionKeys.none(), null));
        }
        return dest;
    }

    private static Map<String, Path> files(Path root) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> w = Files.walk(root)) {
            w.filter(Files::isRegularFile).forEach(p -> out.put(root.relativize(p).toString(), p));
        }
        return out;
    }

    private static void assertSameTree(Path expected, Path actual, String what) throws IOException {
        Map<String, Path> a = files(expected);
        Map<String, Path> b = files(actual);
        assertEquals(a.keySet(), b.keySet(), what + ": the same files");
        for (var e : a.entrySet()) {
            assertEquals(-1L, Files.mismatch(e.getValue(), b.get(e.getKey())), what + ": " + e.getKey() + " byte for byte");
        }
    }

    /** The backup restores to the source: every file byte for byte, each database as a fresh capture of it now. */
    private void assertRestoresToSource(String id) throws IOException {
        Path restored = restore(id, "latest-" + runs + "-" + System.nanoTime());
        Map<String, Path> got = files(restored);
        Map<String, Path> source = files(data);
        for (var e : got.entrySet()) {
            String rel = e.getKey();
            Path expected = source.get(rel);
            assertTrue(expected != null, rel + " restored but not in the source");
            if (rel.equals("webui.db") || rel.endsWith(".sqlite3")) {
                Path fresh = tmp.resolve("fresh-" + rel.replace('/', '_') + System.nanoTime());
                SqliteCapture.capture(expected, fresh, rel);
                expected = fresh;
            }
            assertEquals(-1L, Files.mismatch(expected, e.getValue()), rel + " of " + id + " byte for byte");
        }
        Set<String> left = new TreeSet<>(source.keySet());
        left.removeAll(got.keySet());
        left.removeIf(rel -> rel.startsWith("cache/") || rel.matches("(.*/)?audit.*\\.log|.*-(wal|shm|journal)"));
        assertEquals(Set.of(), left, "every source file but the excluded ones is in backup " + id);
    }
}
