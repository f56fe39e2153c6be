package dev.owui.backup.restore;

import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreRunnerTest {
    @TempDir
    Path tmp;
    Fixture f;
    LocalTarget target;
    Manifest backup;
    Path key;

    @BeforeEach
    void backUp() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        target = TestSupport.target(tmp.resolve("backups"));
        key = tmp.resolve("app/.webui_secret_key");
        Files.createDirectories(key.getParent());
        Files.writeString(key, "the-key");
        backup = new BackupRunner(new RecordingLog()).run(new BackupOptions(f.dataDir(), target, "test", FileSelector.defaults(), key, 2)).manifest();
    }

    private RestoreResult restore(Path into, String id, boolean force, Path keyFile) {
        return new RestoreRunner(new RecordingLog()).run(new RestoreOptions(target, "test", id, into, force, keyFile));
    }

    /** Path → SHA-256 of every regular file under dir, the way an operator would compare two trees. */
    private static Map<String, String> contents(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), sha256(p));
            }
        }
        return out;
    }

    @Test
    void restoresEveryBackedUpFileWithItsTimesIntoAnEmptyDirectory() throws Exception {
        Path into = tmp.resolve("restored");
        RestoreResult r = restore(into, null, false, null);
        assertEquals(backup.backupId(), r.backupId());
        for (FileEntry e : backup.files()) {
            if (e.type().equals(FileEntry.FILE)) {
                Path restored = into.resolve(e.path());
                assertEquals(sha256(f.dataDir().resolve(e.path())), sha256(restored), e.path());
                assertEquals(e.mtime(), Files.getLastModifiedTime(restored).toInstant(), e.path());
            }
        }
        assertEquals(f.users(), TestSupport.queryLong(into.resolve("webui.db"), "SELECT count(*) FROM user"));
        assertFalse(Files.exists(into.resolve("cache")), "what was not backed up is not invented");
        assertFalse(Files.exists(into.resolve(BackupOptions.SECRET_KEY_PATH)), "the secret key never lands in the data directory");
        try (Stream<Path> s = Files.list(into)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".owui-")), "no staging left");
        }
    }

    /** A data directory with a private folder, a 0640 file, an empty folder and set folder times. */
    private Fixture withModesAndFolderTimes(String name) throws Exception {
        Fixture g = OpenWebUiFixture.at(tmp.resolve(name)).build();
        Path d = g.dataDir();
        Files.createDirectories(d.resolve("uploads/sub"));
        Files.writeString(d.resolve("uploads/sub/notes.txt"), "group may read");
        Files.setPosixFilePermissions(d.resolve("uploads/sub/notes.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(d.resolve("uploads/sub"), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(d.resolve("uploads/empty/deeper"));
        Files.setPosixFilePermissions(d.resolve("uploads/empty"), PosixFilePermissions.fromString("rwxr-x---"));
        Instant t = Instant.parse("2024-03-01T12:34:56.123456789Z");
        for (String dir : List.of("uploads/empty/deeper", "uploads/empty", "uploads/sub", "uploads", "vector_db")) {
            t = t.plusSeconds(3600);
            Files.setLastModifiedTime(d.resolve(dir), FileTime.from(t));
        }
        return g;
    }

    /** Mode and mtime of every folder and file under dir (no SQLite side files, nothing excluded by default): what restore must give back. */
    private static Map<String, String> attributes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.isEmpty() || rel.startsWith("cache") || rel.startsWith("audit") || rel.endsWith("-wal") || rel.endsWith("-shm") || Files.isSymbolicLink(p)) {
                    continue;
                }
                out.put(rel + (Files.isDirectory(p) ? "/" : ""), PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                        + " " + Files.getLastModifiedTime(p).toInstant());
            }
        }
        return out;
    }

    @Test
    void modesAndTimesOfFilesAndFoldersComeBackAndEmptyFoldersToo() throws Exception {
        Fixture g = withModesAndFolderTimes("moded");
        Map<String, String> before = attributes(g.dataDir());
        assertTrue(before.get("uploads/sub/").startsWith("rwx------ 2024-03-01T15:34:56.123456789Z"), before.get("uploads/sub/"));
        assertTrue(before.containsKey("uploads/empty/deeper/"));
        LocalTarget t = TestSupport.target(tmp.resolve("backups-moded"));
        CodecSettings sealed = CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of("pass phrase".toCharArray(), List.of()));
        for (CodecSettings codec : List.of(CodecSettings.plain(), sealed)) {
            Manifest m = new BackupRunner(new RecordingLog()).run(TestSupport.options(g.dataDir(), t).withCodec(codec)).manifest();
            assertTrue(m.directoriesOrEmpty().stream().anyMatch(e -> e.path().equals("uploads/empty/deeper")), "an empty folder is recorded");
            assertEquals(codec.isPlain() ? Manifest.FORMAT_VERSION_PLAIN : Manifest.FORMAT_VERSION, m.formatVersion(),
                    "folder entries need no new format version");
            Path into = tmp.resolve("restored-" + m.backupId());
            new RestoreRunner(new RecordingLog()).run(new RestoreOptions(t, "test", m.backupId(), into, false, null,
                    DecryptionKeys.of("pass phrase".toCharArray(), null)));
            Map<String, String> after = attributes(into);
            List<String> differing = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k)))
                    .map(k -> k + ": " + before.get(k) + " → " + after.get(k)).toList();
            assertEquals(List.of(), differing, "restored with " + codec);
            assertEquals(before.keySet(), after.keySet());
        }
    }

    @Test
    void aBackupWhoseManifestHasNoFolderEntriesStillRestoresWithDefaultFolders() throws Exception {
        // What every manifest looked like before folders were recorded.
        Fixture g = withModesAndFolderTimes("old");
        LocalTarget t = TestSupport.target(tmp.resolve("backups-old"));
        Manifest m = new BackupRunner(new RecordingLog()).run(TestSupport.options(g.dataDir(), t)).manifest();
        Path manifest = t.root().resolve("test").resolve(m.backupId()).resolve(Manifest.FILE_NAME);
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(manifest.toFile());
        assertNotNull(tree.remove("directories"));
        Files.setPosixFilePermissions(manifest, PosixFilePermissions.fromString("rw-------"));
        json.writeValue(manifest.toFile(), tree);

        Path into = tmp.resolve("restored-old");
        restoreFrom(t, into);
        assertEquals("group may read", Files.readString(into.resolve("uploads/sub/notes.txt")));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(into.resolve("uploads/sub/notes.txt"))),
                "file modes were always recorded");
        assertTrue(Files.isDirectory(into.resolve("uploads/sub")));
        assertFalse(Files.exists(into.resolve("uploads/empty")), "an old backup knows no empty folders");
    }

    private static void restoreFrom(LocalTarget t, Path into) {
        new RestoreRunner(new RecordingLog()).run(new RestoreOptions(t, "test", null, into, false, null));
    }

    @Test
    void anUploadWithABackslashInItsNameIsBackedUpAndRestoredByteForByte() throws Exception {
        // On Linux '\\' is part of a name, not a separator: such an upload was once silently skipped.
        Fixture g = OpenWebUiFixture.at(tmp.resolve("data2")).build();
        String name = "uploads/0b1c_back\\slash \\ report.txt";
        Files.writeString(g.dataDir().resolve(name), "kept whole");
        LocalTarget t = TestSupport.target(tmp.resolve("backups2"));
        Manifest m = new BackupRunner(new RecordingLog()).run(TestSupport.options(g.dataDir(), t)).manifest();
        assertTrue(m.files().stream().anyMatch(e -> e.path().equals(name)), "in the manifest under its own name");
        Path into = tmp.resolve("restored2");
        new RestoreRunner(new RecordingLog()).run(new RestoreOptions(t, "test", null, into, false, null));
        assertEquals("kept whole", Files.readString(into.resolve(name)));
        assertFalse(Files.exists(into.resolve("uploads/0b1c_back")), "no folder made of half its name");
    }

    @Test
    void aNonEmptyDirectoryIsRefusedWithoutForceAndLeftAlone() throws Exception {
        Map<String, String> before = contents(f.dataDir());
        OwuiException e = assertThrows(OwuiException.class, () -> restore(f.dataDir(), null, false, null));
        assertTrue(e.getMessage().contains("is not empty") && e.getMessage().contains("-Dowui.force=true"), e.getMessage());
        assertEquals(before, contents(f.dataDir()));
    }

    @Test
    void forceMovesTheCurrentContentsAsideAndRemovesStaleWalFiles() throws Exception {
        Path data = f.dataDir();
        // A later state of the instance, with a -wal and -shm that belong to it, not to the backup.
        Files.writeString(data.resolve("uploads/newer-upload.txt"), "made after the backup");
        Files.write(data.resolve("webui.db-wal"), new byte[] {1, 2, 3});
        Files.write(data.resolve("webui.db-shm"), new byte[] {4, 5, 6});
        Map<String, String> before = contents(data);

        RestoreResult r = restore(data, null, true, null);
        assertNotNull(r.setAside());
        assertEquals(before, contents(r.setAside()), "everything that was there is kept, byte for byte");
        assertFalse(Files.exists(data.resolve("uploads/newer-upload.txt")));
        assertFalse(Files.exists(data.resolve("webui.db-wal")), "a stale WAL would be replayed over the restored database");
        assertFalse(Files.exists(data.resolve("webui.db-shm")));
        assertEquals(sha256(target.localFile("test", backup.backupId(), "webui.db")), sha256(data.resolve("webui.db")));
    }

    @Test
    void aDamagedBackupIsRefusedBeforeTheDirectoryIsTouched() throws Exception {
        String upload = f.uploads().stream().filter(u -> {
            try {
                return Files.size(f.dataDir().resolve(u)) > 0;
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }).findFirst().orElseThrow();
        Path stored = target.localFile("test", backup.backupId(), upload);
        byte[] b = Files.readAllBytes(stored);
        b[b.length / 2] ^= 0x01; // one flipped bit
        Files.write(stored, b);
        Map<String, String> before = contents(f.dataDir());

        OwuiException e = assertThrows(OwuiException.class, () -> restore(f.dataDir(), null, true, null));
        assertTrue(e.getMessage().contains(upload) && e.getMessage().contains("damaged"), e.getMessage());
        assertEquals(before, contents(f.dataDir()), "nothing moved, nothing written");
        try (Stream<Path> s = Files.list(f.dataDir())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".owui-")));
        }
    }

    @Test
    void anUnknownBackupIdNamesTheOnesThatExist() {
        OwuiException e = assertThrows(OwuiException.class, () -> restore(tmp.resolve("x"), "20990101T000000Z", false, null));
        assertTrue(e.getMessage().contains("no backup 20990101T000000Z"), e.getMessage());
        assertTrue(e.getMessage().contains(backup.backupId()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void aDirectoryHeldOpenByAProcessIsRefused() throws Exception {
        Process holder = new ProcessBuilder("bash", "-c", "exec 3<\"$1\"; exec sleep 60", "holder", f.webuiDb().toString()).start();
        try {
            Thread.sleep(200);
            Map<String, String> before = contents(f.dataDir());
            OwuiException e = assertThrows(OwuiException.class, () -> restore(f.dataDir(), null, true, null));
            assertTrue(e.getMessage().contains("seems to be running") && e.getMessage().contains("process " + holder.pid()), e.getMessage());
            assertEquals(before, contents(f.dataDir()));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void theSecretKeyIsWrittenWhereAskedAndAnOldOneKept() throws Exception {
        Files.writeString(key, "a-different-key");
        restore(tmp.resolve("restored"), null, false, key);
        assertEquals("the-key", Files.readString(key));
        try (Stream<Path> s = Files.list(key.getParent())) {
            List<Path> kept = s.filter(p -> p.getFileName().toString().startsWith(".webui_secret_key.before-restore-")).toList();
            assertEquals(1, kept.size());
            assertEquals("a-different-key", Files.readString(kept.get(0)));
        }
    }

    @Test
    void goingBackAcrossAMigrationIsWarned() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.webuiDb()); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE alembic_version SET version_num = 'a1b2c3d4e5f6'");
        }
        RestoreResult r = restore(f.dataDir(), null, true, null);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains(f.schemaRevision()) && w.contains("a1b2c3d4e5f6")
                && w.contains("migrates forward only")), r.warnings().toString());
    }
}
