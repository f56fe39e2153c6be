package dev.owui.backup.capture;

import static dev.owui.backup.TestSupport.inode;
import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.format.DamageRecord;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reusing stored data never reuses damage: what verify finds damaged (recorded at the target) is
 * stored anew by the next backup, an unchanged database's stored copy is checked before it is shared
 * on a local target, and a stored copy that is missing is said to be missing, not a refused link.
 */
class DamagedStoreTest {
    @TempDir
    Path tmp;
    Fixture f;
    LocalTarget target;

    @BeforeEach
    void setUp() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        target = TestSupport.target(tmp.resolve("backups"));
    }

    private Path stored(Manifest m, String path) {
        return target.root().resolve("test").resolve(m.backupId()).resolve(path);
    }

    private static FileEntry entry(Manifest m, String path) {
        return m.files().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }

    /** Flips one byte in the middle of a stored file, keeping its mtime: rot that rsync's rule cannot see. */
    private static void flipOneByte(Path file) throws Exception {
        FileTime mtime = Files.getLastModifiedTime(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(~b);
        }
        Files.setLastModifiedTime(file, mtime);
    }

    /** An upload with content of its own (not empty, no other upload with the same bytes). */
    private String upload(Manifest m) {
        return f.uploads().stream().filter(u -> {
            FileEntry e = entry(m, u);
            return e.size() > 100 && m.files().stream().filter(x -> e.sha256().equals(x.sha256())).count() == 1;
        }).findFirst().orElseThrow();
    }

    private BackupResult backup(RecordingLog log) {
        return new BackupRunner(log).run(TestSupport.options(f.dataDir(), target));
    }

    private List<Path> records() throws Exception {
        Path dir = target.root().resolve("test").resolve(DamageRecord.DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void anUploadVerifyFoundDamagedIsStoredAnewByTheNextBackupNotHardLinked() throws Exception {
        Manifest first = backup(new RecordingLog()).manifest();
        String upload = upload(first);
        flipOneByte(stored(first, upload));

        RecordingLog verifyLog = new RecordingLog();
        VerifyResult v = new Verifier(verifyLog).run(target, "test", null).get(0);
        assertFalse(v.whole());
        assertEquals(1, v.damagedFiles().size(), v.damages().toString());
        List<Path> recs = records();
        assertEquals(1, recs.size(), "one record per verify run that found damage");
        assertTrue(recs.get(0).getFileName().toString().endsWith(".json"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(recs.get(0))), "private: it names uploads");
        DamageRecord r = DamageRecord.read(Files.readAllBytes(recs.get(0)), recs.get(0).toString());
        DamageRecord.Damaged d = r.files().get(0);
        assertEquals(first.backupId(), d.backupId());
        assertEquals(upload, d.path());
        assertEquals(entry(first, upload).sha256(), d.sha256(), "the manifest's hash, which later shares carry too");
        assertEquals(DamageRecord.SHA256, d.problem());
        assertTrue(verifyLog.saidAnywhere("the next backup stores their content anew"), verifyLog.infos.toString());
        assertEquals(List.of(first.backupId()), target.backups("test"), "damage/ is no backup");
        assertEquals(List.of(), target.incomplete("test"), "nor a leftover");

        RecordingLog log = new RecordingLog();
        Manifest second = backup(log).manifest();
        FileEntry e = entry(second, upload);
        assertNull(e.reusedFrom(), "written anew, not shared with the damaged copy");
        assertNotEquals(inode(stored(first, upload)), inode(stored(second, upload)), "another inode than the damaged one");
        assertEquals(sha256(f.dataDir().resolve(upload)), sha256(stored(second, upload)));
        assertTrue(second.totals().bytesWritten() >= e.size() && e.size() > 0);
        assertTrue(log.infos.contains(upload + ": stored anew: verify found the stored copy in " + first.backupId() + " damaged"), log.infos.toString());
        assertTrue(new Verifier(new RecordingLog()).run(target, "test", second.backupId()).get(0).whole(), "the fresh backup verifies");
        assertEquals(List.of(), records(), "the newest backup honoured the record: it is removed");

        Manifest third = backup(new RecordingLog()).manifest();
        assertEquals(second.backupId(), entry(third, upload).reusedFrom(), "the fresh copy is shared again: no endless re-storing");
        assertEquals(0, third.files().stream().filter(x -> x.type().equals(FileEntry.FILE) && x.reusedFrom() == null).count());
    }

    @Test
    void aDamagedStoredDatabaseIsNotSharedOnALocalTargetEvenBeforeVerifyFindsIt() throws Exception {
        Manifest first = backup(new RecordingLog()).manifest();
        Manifest second = backup(new RecordingLog()).manifest();
        assertEquals(first.backupId(), entry(second, "webui.db").reusedFrom(), "an unchanged database is shared (the precondition)");
        flipOneByte(stored(second, "webui.db")); // the inode of both backups

        RecordingLog log = new RecordingLog();
        BackupResult third = backup(log);
        FileEntry db = entry(third.manifest(), "webui.db");
        assertNull(db.reusedFrom(), "the fresh capture is stored, not the damaged copy linked");
        assertEquals(entry(second, "webui.db").sha256(), db.sha256(), "the source did not change");
        assertNotEquals(inode(stored(second, "webui.db")), inode(stored(third.manifest(), "webui.db")));
        assertTrue(third.warnings().stream().anyMatch(w -> w.equals("webui.db: stored anew: its stored copy in " + second.backupId()
                + " differs from the SHA-256 its manifest records (damaged); run owui:verify on " + second.backupId())), third.warnings().toString());
        assertEquals(0, third.linkFallbacks());
        assertTrue(new Verifier(new RecordingLog()).run(target, "test", third.manifest().backupId()).get(0).whole());
    }

    @Test
    void aDamagedStoredDatabaseThatVerifyRecordedIsStoredAnewWithTheRecordNamed() throws Exception {
        Manifest first = backup(new RecordingLog()).manifest();
        flipOneByte(stored(first, "webui.db"));
        VerifyResult v = new Verifier(new RecordingLog()).run(target, "test", null).get(0);
        assertTrue(v.damagedFiles().stream().anyMatch(d -> d.path().equals("webui.db")), v.damages().toString());

        RecordingLog log = new RecordingLog();
        Manifest second = backup(log).manifest();
        assertNull(entry(second, "webui.db").reusedFrom());
        assertTrue(log.infos.contains("webui.db: stored anew: verify found the stored copy in " + first.backupId() + " damaged"), log.infos.toString());
        assertTrue(new Verifier(new RecordingLog()).run(target, "test", second.backupId()).get(0).whole());
    }

    @Test
    void aWrongHashInAManifestIsNotCopiedIntoTheNextBackupOnceVerifyFlaggedIt() throws Exception {
        Manifest first = backup(new RecordingLog()).manifest();
        String upload = upload(first);
        String right = entry(first, upload).sha256();
        String wrong = "0".repeat(64);
        Path manifest = target.root().resolve("test").resolve(first.backupId()).resolve(Manifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replace(right, wrong));
        assertEquals(wrong, entry(target.manifest("test", first.backupId()), upload).sha256());

        new Verifier(new RecordingLog()).run(target, "test", null);
        Manifest second = backup(new RecordingLog()).manifest();
        FileEntry e = entry(second, upload);
        assertEquals(right, e.sha256(), "the content's hash, not the manifest's wrong one");
        assertNull(e.reusedFrom());
        assertTrue(new Verifier(new RecordingLog()).run(target, "test", second.backupId()).get(0).whole());
    }

    @Test
    void fullStoresEveryFileAnewAndSharesNothing() throws Exception {
        Manifest first = backup(new RecordingLog()).manifest();
        RecordingLog log = new RecordingLog();
        Manifest second = new BackupRunner(log).run(TestSupport.options(f.dataDir(), target).withFull(true)).manifest();
        assertTrue(second.files().stream().allMatch(e -> e.reusedFrom() == null));
        assertEquals(second.totals().bytes(), second.totals().bytesWritten());
        assertEquals(0, second.totals().bytesReused());
        String upload = upload(first);
        assertNotEquals(inode(stored(first, upload)), inode(stored(second, upload)));
        assertNotEquals(inode(stored(first, "webui.db")), inode(stored(second, "webui.db")));
        assertTrue(log.saidAnywhere("owui.full: every file is stored anew"), log.infos.toString());
    }

    @Test
    void aStoredCopyMissingOrCutShortInThePreviousBackupIsSaidSoNotCountedAsARefusedLink() throws Exception {
        Manifest first = backup(new RecordingLog()).manifest();
        List<String> two = f.uploads().stream().filter(u -> entry(first, u).size() > 100).limit(2).toList();
        String gone = two.get(0);
        String cut = two.get(1);
        Files.delete(stored(first, gone));
        FileTime mtime = Files.getLastModifiedTime(stored(first, cut));
        try (RandomAccessFile raf = new RandomAccessFile(stored(first, cut).toFile(), "rw")) {
            raf.setLength(raf.length() - 1);
        }
        Files.setLastModifiedTime(stored(first, cut), mtime);

        BackupResult second = backup(new RecordingLog());
        assertEquals(0, second.linkFallbacks(), "nothing was refused a link");
        String loc = target.location();
        assertTrue(second.warnings().contains(gone + " is missing from backup " + first.backupId() + " at the target " + loc
                + ": stored anew; run owui:verify on " + first.backupId()), second.warnings().toString());
        assertTrue(second.warnings().contains(cut + " has another size than its manifest records in backup " + first.backupId()
                + " at the target " + loc + ": stored anew; run owui:verify on " + first.backupId()), second.warnings().toString());
        for (String u : two) {
            assertNull(entry(second.manifest(), u).reusedFrom(), u);
            assertEquals(sha256(f.dataDir().resolve(u)), sha256(stored(second.manifest(), u)), u);
        }
        assertTrue(new Verifier(new RecordingLog()).run(target, "test", second.manifest().backupId()).get(0).whole());
    }

    @Test
    void pruneAndRemoveIncompleteLeaveTheRecordsAlone() throws Exception {
        Manifest first = backup(new RecordingLog()).manifest();
        flipOneByte(stored(first, upload(first)));
        new Verifier(new RecordingLog()).run(target, "test", null);
        assertEquals(1, records().size());
        assertEquals(List.of(), target.removeIncomplete("test").removed());
        Pruner.apply(target, "test", Policy.keepLast(1), java.time.ZoneOffset.UTC, null, false, new RecordingLog());
        assertEquals(List.of(first.backupId()), target.backups("test"));
        assertEquals(1, records().size(), "still there for the next backup");
    }
}
