package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.owui.backup.TestSupport;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:snapshot -Dowui.format=3 as Maven runs it: a backup into the repository at the snapshot
 * directory plus its browsable tree {@code trees/<id>/} (hard links for plain objects, real
 * databases), rotation that takes the trees of forgotten snapshots along, and the read goals on
 * such a directory. Local disk and SFTP through a real sshd.
 */
@MojoTest
class Format3SnapshotMojoTest {
    @TempDir
    Path tmp;
    Fixture f;
    /** An upload with content that no later change touches. */
    String upload;
    /** An upload named like a store's temp file, old: prune's temp sweep must not take it from a tree. */
    static final String TEMP_LOOKING = "uploads/0000_notes~owui-tmp-0123456789abcdef";

    @BeforeEach
    void instance() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        upload = f.uploads().stream().filter(u -> size(f.dataDir().resolve(u)) > 0).findFirst().orElseThrow();
        Path data = f.dataDir();
        Files.createDirectories(data.resolve("uploads/empty-folder"));
        Files.createSymbolicLink(data.resolve("uploads/alias"), Path.of(data.resolve(upload).getFileName().toString()));
        Files.writeString(data.resolve(TEMP_LOOKING), "a user's notes");
        Files.setLastModifiedTime(data.resolve(TEMP_LOOKING), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A format 3 snapshot into {@code dir}; returns the report's snapshot section. */
    private JsonNode snapshot(SnapshotMojo mojo, String dir, int keep) throws Exception {
        Path report = tmp.resolve("reports/snapshot-" + System.nanoTime() + ".json");
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "snapshotDir", dir);
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "format", "3");
        setVariableValueToObject(mojo, "keep", keep);
        setVariableValueToObject(mojo, "report", report.toString());
        mojo.execute();
        return ReportSchema.validate(report).get("snapshot");
    }

    /** Every entry of backup {@code id}, by path. */
    private static Map<String, Entry> entries(Path instanceDir, String id) {
        Repository repo = Repository.open(new LocalObjectStore(instanceDir.getParent()), instanceDir.getFileName().toString());
        Map<String, Entry> out = new LinkedHashMap<>();
        try (EntryIterator it = repo.backups().entries(repo.backups().head(id), DecryptionKeys.none())) {
            it.forEachRemaining(e -> out.put(e.path(), e));
        }
        return out;
    }

    private static Path object(Path instanceDir, String name) {
        return instanceDir.resolve("objects/" + name.substring(0, 2) + "/" + name);
    }

    private static Object ino(Path p) throws Exception {
        return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Set<String> objectsOf(Map<String, Entry> entries) {
        Set<String> out = new HashSet<>();
        entries.values().forEach(e -> out.addAll(e.objects()));
        return out;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
        return out;
    }

    /** What the tree of {@code id} must be: hard links, real databases, private modes, source times. */
    private void assertTree(Path instanceDir, String id) throws Exception {
        assertTree(instanceDir, id, false);
    }

    /** {@code seconds}: times compared to the second (SFTP v3 sets no finer time). */
    private void assertTree(Path instanceDir, String id, boolean seconds) throws Exception {
        Path tree = instanceDir.resolve("trees/" + id);
        Map<String, Entry> entries = entries(instanceDir, id);
        Entry up = entries.get(upload);
        assertEquals("plain", up.storage());
        assertEquals(ino(object(instanceDir, up.object())), ino(tree.resolve(upload)), "a plain upload is a hard link to its object");
        assertEquals(time(Files.getLastModifiedTime(f.dataDir().resolve(upload)).toInstant(), seconds),
                time(Files.getLastModifiedTime(tree.resolve(upload)).toInstant(), seconds));
        int databases = 0;
        for (Entry e : entries.values()) {
            if (Entry.SQLITE.equals(e.type())) {
                Path db = tree.resolve(e.path());
                assertEquals(e.sha256(), TestSupport.sha256(db), e.path() + " is the capture, byte for byte");
                assertEquals("ok", run(tmp, "sqlite3", "file:" + db + "?immutable=1", "PRAGMA quick_check").trim());
                assertEquals(1, (int) Files.getAttribute(db, "unix:nlink"), "a database in the tree is a file of its own");
                assertEquals(time(e.mtime(), seconds), time(Files.getLastModifiedTime(db).toInstant(), seconds));
                databases++;
            }
        }
        assertTrue(databases >= 2, "webui.db and chroma.sqlite3");
        assertTrue(Files.isSymbolicLink(tree.resolve("uploads/alias")));
        assertTrue(Files.isDirectory(tree.resolve("uploads/empty-folder")));
        assertEquals(time(entries.get("uploads/empty-folder").mtime(), seconds),
                time(Files.getLastModifiedTime(tree.resolve("uploads/empty-folder")).toInstant(), seconds));
        assertFalse(Files.exists(tree.resolve("manifest.json")), "a tree is the data directory only");
        TestSupport.assertPrivateTree(tree);
        assertTrue(names(instanceDir.resolve("trees")).stream().noneMatch(n -> n.startsWith(".tmp-")), "no temporary tree stays");
    }

    @Test
    void twoLocalSnapshotsShareInodesAndTheTreeIsWhatRestoreAndCpRestore(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot,
                                                                          @InjectMojo(goal = "restore") RestoreMojo restore,
                                                                          @InjectMojo(goal = "verify") VerifyMojo verify,
                                                                          @InjectMojo(goal = "list") ListMojo list) throws Exception {
        Path snaps = tmp.resolve("snaps");
        Path inst = snaps.resolve("test");
        JsonNode first = snapshot(snapshot, snaps.toString(), 7);
        String id1 = first.get("backupId").asText();
        assertEquals(3, first.get("format").asInt());
        assertEquals(inst.resolve("trees/" + id1).toString(), first.get("tree").get("path").asText());
        assertTrue(first.get("tree").get("linked").asLong() > 0 && first.get("tree").get("databases").asLong() >= 2, first.toString());
        assertTree(inst, id1);

        Mutator.change(f.dataDir(), 2, 11);
        Thread.sleep(1100); // ids are seconds
        String id2 = snapshot(snapshot, snaps.toString(), 7).get("backupId").asText();
        assertNotEquals(id1, id2);
        assertTree(inst, id2);
        assertEquals(ino(inst.resolve("trees/" + id1 + "/" + upload)), ino(inst.resolve("trees/" + id2 + "/" + upload)),
                "an unchanged upload is one inode in both trees");

        // owui:restore of the same id gives what the tree holds: same names, same bytes, same links
        Path restored = tmp.resolve("restored");
        setVariableValueToObject(restore, "target", snaps.toString());
        setVariableValueToObject(restore, "instance", "test");
        setVariableValueToObject(restore, "backupId", id2);
        setVariableValueToObject(restore, "dataDir", restored.toFile());
        restore.execute();
        run(tmp, "diff", "-r", "--no-dereference", inst.resolve("trees/" + id2).toString(), restored.toString());

        // the stock-tool roll-back README gives: cp -a of the tree into an empty data directory
        Path copied = tmp.resolve("copied");
        Files.createDirectories(copied);
        run(tmp, "cp", "-a", inst.resolve("trees/" + id2) + "/.", copied + "/");
        run(tmp, "diff", "-r", "--no-dereference", restored.toString(), copied.toString());
        assertEquals("ok", run(tmp, "sqlite3", copied.resolve("webui.db").toString(), "PRAGMA integrity_check").trim());
        assertTrue(Long.parseLong(run(tmp, "sqlite3", copied.resolve("webui.db").toString(), "SELECT count(*) FROM chat").trim()) > 0);

        // verify and list see two whole backups; trees/ is no damage and no backup
        Path verifyReport = tmp.resolve("reports/verify.json");
        setVariableValueToObject(verify, "target", snaps.toString());
        setVariableValueToObject(verify, "instance", "test");
        setVariableValueToObject(verify, "backupId", "all");
        setVariableValueToObject(verify, "readData", "all");
        setVariableValueToObject(verify, "report", verifyReport.toString());
        verify.execute();
        JsonNode vt = ReportSchema.validate(verifyReport).get("verify").get("targets").get(0);
        assertEquals(2, vt.get("backups").size(), vt.toString());
        for (JsonNode b : vt.get("backups")) {
            assertEquals("whole", b.get("result").asText(), b.toString());
        }
        assertFalse(Files.exists(inst.resolve("damage")) && names(inst.resolve("damage")).size() > 0, "no damage recorded");
        Path listReport = tmp.resolve("reports/list.json");
        setVariableValueToObject(list, "target", snaps.toString());
        setVariableValueToObject(list, "instance", "test");
        setVariableValueToObject(list, "report", listReport.toString());
        list.execute();
        JsonNode lt = ReportSchema.validate(listReport).get("list").get("targets").get(0);
        assertEquals(2, lt.get("backups").size(), lt.toString());
    }

    @Test
    void keepOneRemovesTheOldTreeAndItsUnsharedObjectsAndACrashLeftover(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot)
            throws Exception {
        Path snaps = tmp.resolve("snaps");
        Path inst = snaps.resolve("test");
        String id1 = snapshot(snapshot, snaps.toString(), 1).get("backupId").asText();
        Set<String> before = objectsOf(entries(inst, id1));
        // a crash while a tree was built, and a tree whose head is gone
        Files.createDirectories(inst.resolve("trees/.tmp-20200101T000000Z-deadbeef/uploads"));
        Files.writeString(inst.resolve("trees/.tmp-20200101T000000Z-deadbeef/uploads/half"), "half");
        Files.createDirectories(inst.resolve("trees/20200101T000000Z"));

        Files.delete(f.dataDir().resolve(f.uploads().stream().filter(u -> !u.equals(upload)).findFirst().orElseThrow()));
        Mutator.change(f.dataDir(), 2, 12);
        Thread.sleep(1100);
        JsonNode second = snapshot(snapshot, snaps.toString(), 1);
        String id2 = second.get("backupId").asText();
        assertEquals(List.of(id1), toList(second.get("removed")));
        assertEquals(List.of(id2), names(inst.resolve("trees")), "the old tree and the leftovers are gone");
        assertEquals(List.of(id2 + ".json"), names(inst.resolve("backups")));
        Set<String> now = objectsOf(entries(inst, id2));
        Set<String> onlyOld = new HashSet<>(before);
        onlyOld.removeAll(now);
        assertFalse(onlyOld.isEmpty(), "the change left objects only the first snapshot named");
        for (String o : onlyOld) {
            assertFalse(Files.exists(object(inst, o)), o + " (only in the forgotten snapshot) is swept");
        }
        for (String o : now) {
            assertTrue(Files.exists(object(inst, o)), o);
        }
        assertTree(inst, id2);
        assertEquals("a user's notes", Files.readString(inst.resolve("trees/" + id2 + "/" + TEMP_LOOKING)),
                "prune's temp sweep stays out of trees: an upload may look like a temp file");
    }

    @Test
    void aPruneWithNothingToForgetStillRemovesACrashLeftover(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot,
                                                             @InjectMojo(goal = "prune") PruneMojo prune) throws Exception {
        Path snaps = tmp.resolve("snaps");
        Path inst = snaps.resolve("test");
        String id = snapshot(snapshot, snaps.toString(), 7).get("backupId").asText();
        Files.createDirectories(inst.resolve("trees/.tmp-" + id + "-0badf00d/uploads"));
        setVariableValueToObject(prune, "target", snaps.toString());
        setVariableValueToObject(prune, "instance", "test");
        setVariableValueToObject(prune, "keepLast", 7);
        prune.execute();
        assertEquals(List.of(id), names(inst.resolve("trees")));
    }

    @Test
    void compressedFilesAreDecodedIntoPlainFiles(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot) throws Exception {
        Path snaps = tmp.resolve("snaps");
        Path inst = snaps.resolve("test");
        setVariableValueToObject(snapshot, "compression", "zstd");
        String id = snapshot(snapshot, snaps.toString(), 7).get("backupId").asText();
        Map<String, Entry> entries = entries(inst, id);
        long decoded = 0;
        for (Entry e : entries.values()) {
            if (Entry.FILE.equals(e.type()) && e.storage().equals("zstd")) {
                Path p = inst.resolve("trees/" + id + "/" + e.path());
                assertEquals(-1L, Files.mismatch(f.dataDir().resolve(e.path()), p), e.path());
                assertEquals(1, (int) Files.getAttribute(p, "unix:nlink"), "a decoded copy, not a link to the zstd object");
                decoded++;
            }
        }
        assertTrue(decoded > 0, "some files are stored compressed");
        TestSupport.assertPrivateTree(inst.resolve("trees/" + id));
    }

    @Test
    void anEncryptingSnapshotNeedsTheKeyForItsPlainTree(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot) throws Exception {
        dev.owui.backup.codec.Gpg gpg = new dev.owui.backup.codec.Gpg(tmp.resolve("gnupg")).withUnprotectedKeyPair();
        Path pub = gpg.exportPublic(tmp.resolve("ops.asc"));
        Path secret = gpg.exportSecret(tmp.resolve("ops-secret.asc"));
        Path snaps = tmp.resolve("snaps");
        setVariableValueToObject(snapshot, "recipients", List.of(pub.toFile()));
        MojoFailureException noKey = assertThrows(MojoFailureException.class, () -> snapshot(snapshot, snaps.toString(), 7));
        assertTrue(noKey.getMessage().contains("needs the key") && noKey.getMessage().contains("owui.secretKeyRing"), noKey.getMessage());
        assertFalse(Files.exists(snaps.resolve("test/repository.json")), "refused before anything was captured or created");

        setVariableValueToObject(snapshot, "secretKeyRing", secret.toFile());
        String id = snapshot(snapshot, snaps.toString(), 7).get("backupId").asText();
        Path tree = snaps.resolve("test/trees/" + id);
        assertEquals(-1L, Files.mismatch(f.dataDir().resolve(upload), tree.resolve(upload)), "decrypted: a tree is plain");
        assertEquals(TestSupport.sha256(f.dataDir().resolve(upload)), TestSupport.sha256(tree.resolve(upload)));
        TestSupport.assertPrivateTree(tree);
    }

    @Test
    void aColdFormat3SnapshotStopsCapturesOnceStartsAndBuildsItsTree(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot) throws Exception {
        Path snaps = tmp.resolve("snaps");
        Path order = tmp.resolve("order.txt");
        setVariableValueToObject(snapshot, "mode", "cold");
        // Shell commands stand in for docker compose stop/start (no Docker engine runs here).
        setVariableValueToObject(snapshot, "stopCommand", "sleep 0.3 && echo stop >> " + order);
        setVariableValueToObject(snapshot, "startCommand", "echo start >> " + order);
        setVariableValueToObject(snapshot, "commandTimeout", 30);
        JsonNode s = snapshot(snapshot, snaps.toString(), 7);
        assertEquals(List.of("stop", "start"), Files.readAllLines(order), "stopped once, started again");
        assertEquals(3, s.get("format").asInt(), s.toString());
        assertEquals("cold", s.get("mode").asText());
        assertTrue(s.get("downtimeMs").asLong() >= 300, "the downtime is measured: " + s.get("downtimeMs"));
        String id = s.get("backupId").asText();
        Path instanceDir = snaps.resolve("test");
        Repository repo = Repository.open(new LocalObjectStore(snaps), "test");
        assertEquals(List.of(id), repo.backups().list());
        assertEquals("cold", repo.backups().head(id).mode());
        assertTree(instanceDir, id);
        assertEquals(List.of(id), names(instanceDir.resolve("trees")), "the tree of the staged, imported snapshot, and nothing else");
    }

    @Test
    void s3AndUnknownFormatsAreRefusedBeforeAnythingIsWritten(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot) throws Exception {
        Path snaps = tmp.resolve("snaps");
        setVariableValueToObject(snapshot, "mode", "hot");
        MojoFailureException s3 = assertThrows(MojoFailureException.class, () -> snapshot(snapshot, "s3://bucket/snaps", 7));
        assertTrue(s3.getMessage().contains("S3") && s3.getMessage().contains("owui:backup -Dowui.format=3"), s3.getMessage());

        setVariableValueToObject(snapshot, "format", "4");
        setVariableValueToObject(snapshot, "snapshotDir", snaps.toString());
        MojoFailureException four = assertThrows(MojoFailureException.class, snapshot::execute);
        assertTrue(four.getMessage().contains("owui.format=4"), four.getMessage());
        assertFalse(Files.exists(snaps));
    }

    @Test
    void overSftpTheTreeIsBuiltOnTheServerAndRotatedAway(@InjectMojo(goal = "snapshot") SnapshotMojo snapshot) throws Exception {
        Sshd.assumeAvailable();
        try (Sshd sshd = Sshd.start(tmp.resolve("sshd"))) {
            Path remote = tmp.resolve("remote");
            Files.createDirectories(remote);
            Path config = tmp.resolve("ssh_config");
            Files.writeString(config, "Host nas\n  HostName " + sshd.host() + "\n  Port " + sshd.port() + "\n  User " + sshd.user()
                    + "\n  IdentityFile " + sshd.userKey() + "\n");
            setVariableValueToObject(snapshot, "sshConfig", config.toFile());
            setVariableValueToObject(snapshot, "knownHosts", sshd.knownHosts().toFile());
            String url = "sftp://nas" + remote;
            Path inst = remote.resolve("test");
            String id1 = snapshot(snapshot, url, 1).get("backupId").asText();
            assertTree(inst, id1, true);
            Files.createDirectories(inst.resolve("trees/.tmp-20200101T000000Z-deadbeef/uploads"));
            Mutator.change(f.dataDir(), 2, 13);
            Thread.sleep(1100);
            JsonNode second = snapshot(snapshot, url, 1);
            String id2 = second.get("backupId").asText();
            assertEquals(List.of(id1), toList(second.get("removed")));
            assertEquals(List.of(id2), names(inst.resolve("trees")));
            assertTree(inst, id2, true);
        }
    }

    private static Instant time(Instant t, boolean seconds) {
        return seconds ? t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) : t;
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
