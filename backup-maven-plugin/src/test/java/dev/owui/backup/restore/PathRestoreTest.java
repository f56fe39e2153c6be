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
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.Targets;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** owui.paths: chosen files of a backup into a directory of the operator's choice. */
class PathRestoreTest {
    private static final String PASS = "partial restore passphrase";
    @TempDir
    Path tmp;
    Fixture f;
    LocalTarget target;
    Manifest backup;
    String upload;

    @BeforeEach
    void backUp() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Files.writeString(f.dataDir().resolve("uploads/notes [v2].txt"), "a name with glob characters");
        upload = f.uploads().stream().filter(u -> u.endsWith(".pdf")).findFirst().orElseThrow();
        Files.setPosixFilePermissions(f.dataDir().resolve(upload), PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(f.dataDir().resolve(upload), FileTime.from(Instant.parse("2024-02-03T04:05:06.123456789Z")));
        Files.setLastModifiedTime(f.dataDir().resolve("uploads"), FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
        target = TestSupport.target(tmp.resolve("backups"));
        Path key = tmp.resolve("app/.webui_secret_key");
        Files.createDirectories(key.getParent());
        Files.writeString(key, "the-key");
        backup = new BackupRunner(new RecordingLog()).run(new BackupOptions(f.dataDir(), target, "test", FileSelector.defaults(), key, 2)).manifest();
    }

    private RestoreResult restore(Target t, Path out, boolean force, DecryptionKeys keys, String... paths) {
        return new PathRestore(new RecordingLog()).run(new PathRestoreOptions(t, "test", null, List.of(paths), out, force, keys));
    }

    private RestoreResult restore(Path out, boolean force, String... paths) {
        return restore(target, out, force, null, paths);
    }

    private static Set<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !Files.isDirectory(p)).map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void oneUploadComesBackAloneWithItsModeAndTimesWhileTheDataDirectoryIsUntouched() throws Exception {
        Path out = tmp.resolve("one");
        Path live = f.dataDir().resolve(upload);
        String before = sha256(live);
        Files.delete(live); // "I deleted an upload yesterday": the live directory is not where we write
        RestoreResult r = restore(out, false, upload);
        assertEquals(backup.backupId(), r.backupId());
        assertEquals(1, r.files());
        assertEquals(Set.of(upload), files(out), "exactly the chosen file, under its path; no staging left");
        Path restored = out.resolve(upload);
        assertEquals(before, sha256(restored));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(restored)));
        assertEquals(Instant.parse("2024-02-03T04:05:06.123456789Z"), Files.getLastModifiedTime(restored).toInstant());
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), Files.getLastModifiedTime(out.resolve("uploads")).toInstant(),
                "a folder it made gets the recorded time");
        assertFalse(Files.exists(live), "nothing written into the data directory");
    }

    @Test
    void globsSelectWithinAFolderOrAcrossFoldersAndNeverSweepTheSecretKeyAlong() throws Exception {
        Path out = tmp.resolve("globs");
        restore(out, false, "uploads/*.pdf", "vector_db/**");
        Set<String> expected = backup.files().stream().map(FileEntry::path)
                .filter(p -> (p.startsWith("uploads/") && p.endsWith(".pdf") && p.indexOf('/', 8) < 0) || p.startsWith("vector_db/"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(expected.size() > 3, "the fixture has pdfs and vector segments: " + expected);
        assertEquals(expected, files(out));
        for (FileEntry e : backup.files()) {
            if (expected.contains(e.path())) {
                assertEquals(e.sha256(), sha256(out.resolve(e.path())), e.path() + " (databases are captured, so compared with the manifest)");
            }
        }

        Path all = tmp.resolve("all");
        restore(all, false, "**");
        assertFalse(files(all).contains(BackupOptions.SECRET_KEY_PATH), "a glob does not carry the secret key into a folder");
        Path key = tmp.resolve("key");
        restore(key, false, BackupOptions.SECRET_KEY_PATH);
        assertEquals("the-key", Files.readString(key.resolve(BackupOptions.SECRET_KEY_PATH)), "its exact path does");
    }

    @Test
    void aNameHoldingGlobCharactersIsNameableAsItIs() throws Exception {
        Path out = tmp.resolve("brackets");
        restore(out, false, "uploads/notes [v2].txt");
        assertEquals(Set.of("uploads/notes [v2].txt"), files(out));
    }

    @Test
    void aPatternThatMatchesNothingNamesTheNearestPathsAndWritesNothing() {
        Path out = tmp.resolve("typo");
        String typo = upload.substring(0, upload.length() - 6) + "X" + upload.substring(upload.length() - 5);
        OwuiException e = assertThrows(OwuiException.class, () -> restore(out, false, "vector_db/**", typo));
        assertTrue(e.getMessage().contains(typo + " matches nothing in backup " + backup.backupId()), e.getMessage());
        assertTrue(e.remedy().contains(upload), "the real name is offered: " + e.remedy());
        assertFalse(Files.exists(out), "nothing written, not even the folder");
    }

    @Test
    void anExistingFileIsKeptUnlessForcedAndThenMovedAsideNotDeleted() throws Exception {
        Path out = tmp.resolve("existing");
        Files.createDirectories(out.resolve("uploads"));
        Files.writeString(out.resolve(upload), "edited since");
        OwuiException e = assertThrows(OwuiException.class, () -> restore(out, false, upload));
        assertTrue(e.getMessage().contains("already exist") && e.getMessage().contains(upload), e.getMessage());
        assertEquals("edited since", Files.readString(out.resolve(upload)));

        RestoreResult r = restore(out, true, upload);
        assertEquals(sha256(f.dataDir().resolve(upload)), sha256(out.resolve(upload)));
        assertNotNull(r.setAside());
        assertEquals("edited since", Files.readString(r.setAside().resolve(upload)), "the replaced file is kept");
    }

    @Test
    void aDirectoryHoldingWebuiDbIsRefusedUnlessForced() throws Exception {
        Path out = tmp.resolve("looks-live");
        Files.createDirectories(out);
        Files.writeString(out.resolve("webui.db"), "");
        OwuiException e = assertThrows(OwuiException.class, () -> restore(out, false, upload));
        assertTrue(e.getMessage().contains("looks like a data directory"), e.getMessage());
        assertFalse(Files.exists(out.resolve("uploads")));
        restore(out, true, upload);
        assertTrue(Files.exists(out.resolve(upload)));
    }

    @Test
    void anOutputDirectoryIsRequired() {
        OwuiException e = assertThrows(OwuiException.class, () -> restore(null, false, upload));
        assertTrue(e.getMessage().contains("needs an output directory") && e.remedy().contains("owui.output"), e.getMessage());
    }

    @Test
    void aDamagedFileFailsTheWholeRestoreAndLeavesTheOutputAsItWas() throws Exception {
        String other = f.uploads().stream().filter(u -> !u.equals(upload) && !u.endsWith(".md")).findFirst().orElseThrow();
        Path stored = target.localFile("test", backup.backupId(), other);
        Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(stored, "bit rot");
        Path out = tmp.resolve("damaged");
        OwuiException e = assertThrows(OwuiException.class, () -> restore(out, false, upload, other));
        assertTrue(e.getMessage().contains("is damaged: " + other), e.getMessage());
        assertEquals(Set.of(), files(out), "neither the whole file nor the damaged one was put in place");
    }

    @Test
    void zstdAndPgpStoredFilesAreDecodedFromS3() throws Exception {
        try (S3Server s3 = S3Server.start(tmp.resolve("s3"));
             Target t = Targets.open(s3.spec("s3://backups/owui"), S3Server.context())) {
            CodecSettings codec = CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(PASS.toCharArray(), List.of()));
            Manifest m = new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), t).withCodec(codec)).manifest();
            FileEntry e = m.files().stream().filter(x -> x.path().equals(upload)).findFirst().orElseThrow();
            assertEquals("zstd+pgp", e.storage());

            Path out = tmp.resolve("from-s3");
            OwuiException noKey = assertThrows(OwuiException.class, () -> restore(t, out, false, null, upload));
            assertTrue(noKey.getMessage().contains("is encrypted"), noKey.getMessage());
            restore(t, out, false, DecryptionKeys.of(PASS.toCharArray(), null), upload, "webui.db");
            assertEquals(Set.of(upload, "webui.db"), files(out));
            assertEquals(sha256(f.dataDir().resolve(upload)), sha256(out.resolve(upload)));
            assertEquals(f.users(), TestSupport.queryLong(out.resolve("webui.db"), "SELECT count(*) FROM user"));
        }
    }
}
