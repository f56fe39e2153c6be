package dev.owui.backup.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.diff.DiffResult.FileChange;
import dev.owui.backup.diff.DiffResult.TableCount;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** owui:diff's engine on real backups of a generated instance, a day of use apart. */
class BackupDiffTest {
    private static final String PASS = "diff passphrase";
    @TempDir
    Path tmp;
    Fixture f;
    LocalTarget target;

    @BeforeEach
    void setUp() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        target = TestSupport.target(tmp.resolve("backups"));
    }

    private Manifest backup(CodecSettings codec) {
        return new BackupRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), target).withCodec(codec)).manifest();
    }

    private static Map<String, FileEntry> byPath(Manifest m) {
        return m.files().stream().collect(Collectors.toMap(FileEntry::path, Function.identity()));
    }

    private static List<String> paths(List<FileChange> changes) {
        return changes.stream().map(FileChange::path).toList();
    }

    @Test
    void aDayOfUseShowsTheNewUploadsTheChangedDatabaseAndTheCountsOfBothManifests() throws Exception {
        Manifest before = backup(CodecSettings.plain());
        Mutator.Change change = Mutator.change(f.dataDir(), 5, 7);
        String gone = f.uploads().get(0);
        String chmodded = f.uploads().get(1);
        String touched = f.uploads().get(2);
        Files.delete(f.dataDir().resolve(gone));
        Files.setPosixFilePermissions(f.dataDir().resolve(chmodded), PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(f.dataDir().resolve(touched), FileTime.fromMillis(1_000_000_000_000L));
        Files.createDirectory(f.dataDir().resolve("uploads-archive"));
        Manifest after = backup(CodecSettings.plain());

        RecordingLog log = new RecordingLog();
        DiffResult r = printed(new BackupDiff(log, DecryptionKeys.none(), 1000).run(target, "test", null), log);

        assertEquals(before.backupId(), r.oldId());
        assertEquals(after.backupId(), r.newId());
        Map<String, FileEntry> b = byPath(before);
        Map<String, FileEntry> a = byPath(after);
        // Added: exactly the uploads the day brought, each with its size; sorted by path.
        assertEquals(change.addedFiles().stream().sorted().toList(), paths(r.added()));
        for (FileChange c : r.added()) {
            assertEquals(Files.size(f.dataDir().resolve(c.path())), c.sizeAfter(), c.path());
            assertNull(c.sizeBefore());
        }
        assertEquals(change.addedFiles().size(), r.files().added());
        assertEquals(r.added().stream().mapToLong(FileChange::sizeAfter).sum(), r.files().bytesAdded());
        // Removed: the deleted upload, with the size the old backup recorded.
        assertEquals(List.of(gone), paths(r.removed()));
        assertEquals(b.get(gone).size(), r.removed().get(0).sizeBefore());
        // Changed: every file the day modified (webui.db first among them), sizes from both manifests.
        assertEquals(change.modifiedFiles().stream().sorted(dev.owui.backup.repo.manifest.PathOrder.INSTANCE).toList(), paths(r.changed()));
        FileChange db = r.changed().stream().filter(c -> c.path().equals("webui.db")).findFirst().orElseThrow();
        assertEquals(b.get("webui.db").size(), db.sizeBefore());
        assertEquals(a.get("webui.db").size(), db.sizeAfter());
        assertEquals("content", db.what());
        // Same content: a new mode, or only a new time.
        assertEquals(List.of(chmodded), paths(r.modeChanged()));
        assertEquals("rw-------", r.modeChanged().get(0).modeAfter());
        assertEquals(List.of(touched), paths(r.touched()));
        assertEquals(b.size() - 1 - change.modifiedFiles().size() - 2, r.files().unchanged());
        assertEquals(after.totals().bytes() - before.totals().bytes(), r.files().delta());
        // The new folder.
        assertTrue(r.folderChanges().stream().anyMatch(c -> c.path().equals("uploads-archive") && c.change().equals("added")), r.folderChanges().toString());

        // Row counts: before and after are the manifests' own; the day added chats with 6 messages each and file rows.
        Map<String, TableCount> t = r.tables().stream().collect(Collectors.toMap(TableCount::name, Function.identity()));
        assertEquals(List.of("users", "chats", "messages", "files", "knowledge"), r.tables().stream().map(TableCount::name).limit(5).toList());
        for (String name : ManifestDiff.TABLES) {
            assertEquals(before.openWebUi().counts().get(name), t.get(name).before(), name);
            assertEquals(after.openWebUi().counts().get(name), t.get(name).after(), name);
        }
        assertEquals(change.chatsAdded(), t.get("chats").delta());
        assertEquals(change.chatsAdded() * 6L, t.get("messages").delta());
        assertEquals(0L, t.get("users").delta());
        // The deleted upload still has its file row: one more row without a file.
        TableCount rows = r.findings().get(0);
        assertEquals("rows without a file", rows.name());
        assertEquals(1L, rows.delta());
        assertEquals(f.schemaRevision(), r.schemaBefore());
        assertEquals(f.schemaRevision(), r.schemaAfter());

        // What an operator reads: counts first, then the paths.
        assertTrue(log.infos.get(1).startsWith("files: " + change.addedFiles().size() + " added (+"), log.infos.toString());
        assertTrue(log.saidAnywhere("- " + gone), log.infos.toString());
        assertTrue(log.saidAnywhere("schema revision: " + f.schemaRevision() + " (unchanged)"), log.infos.toString());

        // A small limit keeps the first paths and says how many more there are.
        RecordingLog capped = new RecordingLog();
        DiffResult one = printed(new BackupDiff(capped, DecryptionKeys.none(), 1).run(target, "test", before.backupId() + "," + after.backupId()), capped);
        assertEquals(paths(r.changed()).subList(0, 1), paths(one.changed()));
        assertEquals(r.files(), one.files());
        long more = r.files().changed() - 1;
        assertTrue(more > 0, "the day changed several files");
        assertTrue(capped.saidAnywhere("… and " + more + " more (owui.diffLimit=1)"), capped.infos.toString());
    }

    @Test
    void aCompressedAndEncryptedPairNeedsTheKeyAndComparesTheContentNotTheStorage() throws Exception {
        CodecSettings codec = CodecSettings.zstd(3).encryptedTo(EncryptionKeys.of(PASS.toCharArray(), List.of())).withEncryptedManifest();
        Manifest plain = backup(CodecSettings.plain());
        Manifest first = backup(codec);
        Mutator.Change change = Mutator.change(f.dataDir(), 5, 11);
        Manifest second = backup(codec);

        OwuiException noKey = assertThrows(OwuiException.class,
                () -> new BackupDiff(new RecordingLog(), DecryptionKeys.none(), 50).run(target, "test", null));
        assertTrue(noKey.getMessage().contains("is encrypted") && noKey.getMessage().contains("passphrase"), noKey.getMessage());

        DecryptionKeys keys = DecryptionKeys.of(PASS.toCharArray(), null);
        DiffResult r = new BackupDiff(new RecordingLog(), keys, 50).run(target, "test", null);
        assertEquals(first.backupId(), r.oldId());
        assertEquals(second.backupId(), r.newId());
        assertEquals(change.addedFiles().stream().sorted().toList(), paths(r.added()));
        assertTrue(paths(r.changed()).contains("webui.db"));
        assertEquals(change.chatsAdded(), r.tables().get(1).delta());
        assertEquals(0, r.files().removed());

        // Plain, then the same data zstd+pgp: how it is stored is no change.
        DiffResult same = new BackupDiff(new RecordingLog(), keys, 50).run(target, "test", plain.backupId() + "," + first.backupId());
        assertTrue(same.files().none(), same.files().toString());
        assertEquals(plain.totals().files(), same.files().unchanged());
    }

    @Test
    void choosingBackupsFailsClearly() throws Exception {
        RecordingLog log = new RecordingLog();
        BackupDiff diff = new BackupDiff(log, DecryptionKeys.none(), 50);
        OwuiException none = assertThrows(OwuiException.class, () -> diff.run(target, "test", null));
        assertTrue(none.getMessage().startsWith("no backups of instance 'test'"), none.getMessage());

        Manifest only = backup(CodecSettings.plain());
        OwuiException one = assertThrows(OwuiException.class, () -> diff.run(target, "test", null));
        assertTrue(one.getMessage().startsWith("only one backup (" + only.backupId() + ") of instance 'test' at "), one.getMessage());

        Manifest newer = backup(CodecSettings.plain());
        String old = only.backupId();
        String newest = newer.backupId();
        assertTrue(assertThrows(OwuiException.class, () -> diff.run(target, "test", "20200101T000000Z")).getMessage()
                .contains("no backup 20200101T000000Z of instance 'test'"));
        assertTrue(assertThrows(OwuiException.class, () -> diff.run(target, "test", old + "," + old)).getMessage()
                .contains("names backup " + old + " twice"));
        assertTrue(assertThrows(OwuiException.class, () -> diff.run(target, "test", newest + ",latest")).getMessage()
                .contains("names backup " + newest + " twice"));
        assertTrue(assertThrows(OwuiException.class, () -> diff.run(target, "test", "latest")).getMessage()
                .contains("is the newest backup"));
        assertTrue(assertThrows(OwuiException.class, () -> diff.run(target, "test", old + ",")).getMessage()
                .contains("is not OLD,NEW"));
        assertTrue(assertThrows(OwuiException.class, () -> diff.run(target, "test", old + "," + newest + "," + old)).getMessage()
                .contains("is not OLD,NEW"));
        assertTrue(assertThrows(OwuiException.class, () -> new BackupDiff(log, null, -1)).getMessage().contains("owui.diffLimit=-1"));

        // One id alone: against the newest; reversed: allowed, with a warning.
        assertEquals(List.of(old, newest), pair(diff.run(target, "test", old)));
        assertEquals(List.of(old, newest), pair(diff.run(target, "test", old + ",latest")));
        assertEquals(List.of(newest, old), pair(printed(diff.run(target, "test", newest + "," + old), log)));
        assertTrue(log.warnings.stream().anyMatch(w -> w.contains("the way back")), log.warnings.toString());
        assertTrue(log.saidAnywhere("no file differs"), log.infos.toString());
    }

    private static List<String> pair(DiffResult r) {
        return List.of(r.oldId(), r.newId());
    }

    /** The diff's lines as owui:diff prints them (render.DiffRender), into the log the test reads. */
    private static DiffResult printed(DiffResult r, RecordingLog log) {
        dev.owui.backup.render.DiffRender.print(r, log);
        return r;
    }
}
