package dev.owui.backup.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierTest {
    @TempDir
    Path tmp;

    @Test
    void aWholeBackupVerifiesWithItsOrphansReportedAsNotesNotDamage() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        Manifest m = TestSupport.backup(f.dataDir(), target).manifest();
        VerifyResult r = new Verifier(new RecordingLog()).run(target, "test", null).get(0);
        assertTrue(r.whole(), r.damages().toString());
        assertEquals(m.files().stream().filter(e -> e.hasContent()).count(), r.files());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("without their upload")));
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("without a file row")));
        assertFalse(Files.exists(target.localFile("test", m.backupId(), "webui.db-shm")), "verifying never writes into a backup");
    }

    @Test
    void everyDamageIsListedNotJustTheFirst() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        Manifest m = TestSupport.backup(f.dataDir(), target).manifest();
        String flipped = f.uploads().get(1);
        String deleted = f.uploads().get(2);
        Path stored = target.localFile("test", m.backupId(), flipped);
        Files.write(stored, "tampered".getBytes(), java.nio.file.StandardOpenOption.APPEND);
        Files.delete(target.localFile("test", m.backupId(), deleted));
        try (RandomAccessFile db = new RandomAccessFile(target.localFile("test", m.backupId(), "vector_db/chroma.sqlite3").toFile(), "rw")) {
            db.seek(db.length() / 2);
            db.write(new byte[512]);
        }
        VerifyResult r = new Verifier(new RecordingLog()).run(target, "test", null).get(0);
        assertFalse(r.whole());
        assertTrue(r.damages().stream().anyMatch(d -> d.startsWith(flipped) && d.contains("differs")), r.damages().toString());
        assertTrue(r.damages().stream().anyMatch(d -> d.equals(deleted + ": missing")), r.damages().toString());
        assertTrue(r.damages().stream().anyMatch(d -> d.startsWith("vector_db/chroma.sqlite3")), r.damages().toString());
        assertEquals(3, r.damages().size(), r.damages().toString());
    }

    @Test
    void allChecksEveryBackupAndAnUnknownIdFails() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        TestSupport.backup(f.dataDir(), target);
        TestSupport.backup(f.dataDir(), target);
        List<VerifyResult> all = new Verifier(new RecordingLog()).run(target, "test", "all");
        assertEquals(2, all.size());
        assertTrue(all.stream().allMatch(VerifyResult::whole));
        OwuiException e = assertThrows(OwuiException.class, () -> new Verifier(new RecordingLog()).run(target, "test", "20000101T000000Z"));
        assertTrue(e.getMessage().contains("no backup 20000101T000000Z"));
        OwuiException none = assertThrows(OwuiException.class, () -> new Verifier(new RecordingLog()).run(target, "other", null));
        assertTrue(none.getMessage().contains("no backups of instance 'other'") && none.getMessage().contains("test"), none.getMessage());
    }

    @Test
    void aBackupWithAnUnreadableManifestIsDamage() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        Manifest m = TestSupport.backup(f.dataDir(), target).manifest();
        Files.writeString(target.localFile("test", m.backupId(), Manifest.FILE_NAME), "{\"format\": \"owui-backup\", trunc");
        VerifyResult r = new Verifier(new RecordingLog()).run(target, "test", null).get(0);
        assertTrue(r.damages().get(0).contains("unreadable manifest"), r.damages().toString());
    }
}
