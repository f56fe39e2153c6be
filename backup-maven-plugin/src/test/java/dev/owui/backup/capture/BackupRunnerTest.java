package dev.owui.backup.capture;

import static dev.owui.backup.TestSupport.inode;
import static dev.owui.backup.TestSupport.options;
import static dev.owui.backup.TestSupport.queryLong;
import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.LiveInstance;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRunnerTest {
    @TempDir
    Path tmp;

    private Fixture fixture() throws Exception {
        return OpenWebUiFixture.at(tmp.resolve("data")).build();
    }

    @Test
    void hotBackupOfABusyInstanceHoldsWalOnlyCommitsAndEveryUploadByteForByte() throws Exception {
        Fixture f = fixture();
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Manifest m;
        long commitsDuring;
        try (LiveInstance live = f.openLive()) {
            assertTrue(Files.size(live.walFile()) > 0, "the fixture leaves a commit in the WAL only");
            live.startWriter(Duration.ofMillis(1));
            Thread.sleep(50);
            long before = live.writerCommits();
            m = TestSupport.backup(f.dataDir(), target).manifest();
            commitsDuring = live.writerCommits() - before;
            live.stopWriter();

            Path dir = target.root().resolve("test").resolve(m.backupId());
            Path db = dir.resolve("webui.db");
            assertEquals(1, queryLong(db, "SELECT count(*) FROM chat WHERE title = '" + live.walOnlyChatTitle() + "'"),
                    "a commit that lives only in webui.db-wal is in the backup");
            assertFalse(Files.exists(dir.resolve("webui.db-wal")), "no WAL is stored beside the captured database");
            assertFalse(Files.exists(dir.resolve("webui.db-shm")));
            assertEquals(m.openWebUi().counts().get("chats"), queryLong(db, "SELECT count(*) FROM chat"));
        }
        assertTrue(commitsDuring > 0, "the writer committed while the backup ran");

        Map<String, FileEntry> byPath = m.files().stream().collect(Collectors.toMap(FileEntry::path, e -> e));
        Path dir = target.root().resolve("test").resolve(m.backupId());
        for (String upload : f.uploads()) {
            FileEntry e = byPath.get(upload);
            assertTrue(e != null, "upload in the manifest: " + upload);
            assertEquals(sha256(f.dataDir().resolve(upload)), e.sha256(), upload);
            assertEquals(sha256(f.dataDir().resolve(upload)), sha256(dir.resolve(upload)), upload);
            assertEquals(Files.getLastModifiedTime(f.dataDir().resolve(upload)).toInstant(), e.mtime());
        }
        assertTrue(f.uploads().stream().anyMatch(u -> u.length() > 200 || !u.chars().allMatch(c -> c < 128)),
                "the fixture has awkward names");
        assertTrue(f.uploads().stream().anyMatch(u -> byPath.get(u).size() == 0), "empty uploads are kept");

        assertEquals("sqlite", byPath.get("webui.db").type());
        assertEquals("sqlite", byPath.get("vector_db/chroma.sqlite3").type());
        assertTrue(byPath.keySet().stream().anyMatch(p -> p.startsWith("vector_db/" + f.staleSegmentFolder() + "/")),
                "a segment folder without a segments row is still backed up");
        for (String seg : f.vectorSegmentIds()) {
            assertTrue(byPath.containsKey("vector_db/" + seg + "/data_level0.bin"), seg);
        }
        assertFalse(byPath.keySet().stream().anyMatch(p -> p.startsWith("cache/")), "cache/ is excluded by default");
        assertFalse(byPath.containsKey("audit.log"));

        assertEquals(f.schemaRevision(), m.openWebUi().schemaRevision());
        assertEquals(f.users(), m.openWebUi().counts().get("users"));
        assertEquals(f.files(), m.openWebUi().counts().get("files"));
        assertEquals(f.orphanRows().stream().map(Fixture.OrphanRow::missingUpload).sorted().toList(), m.openWebUi().rowsWithoutFile());
        assertEquals(f.orphanFiles().stream().sorted().toList(), m.openWebUi().filesWithoutRow());
        assertEquals(m.files().size(), m.totals().files());
        assertEquals(m.totals().bytes(), m.totals().bytesWritten(), "a first backup writes everything");
    }

    @Test
    void secondBackupSharesUnchangedFilesByHardLinkAndWritesOnlyWhatChanged() throws Exception {
        Fixture f = fixture();
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Manifest first = TestSupport.backup(f.dataDir(), target).manifest();
        Mutator.Change change = Mutator.change(f.dataDir(), 5, 7);
        Manifest second = TestSupport.backup(f.dataDir(), target).manifest();
        assertNotEquals(first.backupId(), second.backupId());

        Path a = target.root().resolve("test").resolve(first.backupId());
        Path b = target.root().resolve("test").resolve(second.backupId());
        Set<String> changed = Set.copyOf(change.modifiedFiles());
        for (FileEntry e : second.files()) {
            if (e.type().equals(FileEntry.FILE) && !change.addedFiles().contains(e.path()) && !changed.contains(e.path())) {
                assertEquals(first.backupId(), e.reusedFrom(), e.path());
                assertEquals(inode(a.resolve(e.path())), inode(b.resolve(e.path())), "shared, not copied: " + e.path());
            }
        }
        for (String added : change.addedFiles()) {
            FileEntry e = second.files().stream().filter(x -> x.path().equals(added)).findFirst().orElseThrow();
            assertNull(e.reusedFrom(), added);
            assertEquals(sha256(f.dataDir().resolve(added)), sha256(b.resolve(added)));
        }
        long changedBytes = second.files().stream()
                .filter(e -> change.addedFiles().contains(e.path()) || changed.contains(e.path()))
                .mapToLong(FileEntry::size).sum();
        assertEquals(changedBytes, second.totals().bytesWritten(), "exactly what changed is written");
        assertTrue(second.totals().bytesReused() > 0);
        assertTrue(second.openWebUi().counts().get("chats") > first.openWebUi().counts().get("chats"));
    }

    @Test
    void anUnchangedDatabaseIsSharedToo() throws Exception {
        Fixture f = fixture();
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Manifest first = TestSupport.backup(f.dataDir(), target).manifest();
        Manifest second = TestSupport.backup(f.dataDir(), target).manifest();
        FileEntry chroma = second.files().stream().filter(e -> e.path().equals("vector_db/chroma.sqlite3")).findFirst().orElseThrow();
        assertEquals(first.backupId(), chroma.reusedFrom());
        assertEquals(0, second.totals().bytesWritten() - second.files().stream()
                .filter(e -> e.reusedFrom() == null && e.hasContent()).mapToLong(FileEntry::size).sum());
    }

    @Test
    void whenTheTargetRefusesHardLinksUnchangedFilesAreCopiedAndCounted() throws Exception {
        // A stand-in for EMLINK (ext4's 65,000-link limit) or a share without links: making a
        // real filesystem refuse links is not possible in a test, so the link call is replaced.
        Fixture f = fixture();
        Path root = tmp.resolve("backups");
        TestSupport.backup(f.dataDir(), TestSupport.target(root));
        LocalTarget refusing = new LocalTarget(root, root.toString(), true, (link, existing) -> {
            throw new FileSystemException(link.toString(), existing.toString(), "Too many links");
        });
        RecordingLog log = new RecordingLog();
        BackupResult r = new BackupRunner(log).run(options(f.dataDir(), refusing));
        long regularFiles = r.manifest().files().stream().filter(e -> e.type().equals(FileEntry.FILE)).count();
        assertEquals(regularFiles, r.linkFallbacks());
        assertTrue(r.manifest().files().stream().allMatch(e -> e.reusedFrom() == null));
        String upload = f.uploads().get(0);
        Path stored = root.resolve("test").resolve(r.manifest().backupId()).resolve(upload);
        assertEquals(1, (int) Files.getAttribute(stored, "unix:nlink"));
        assertEquals(sha256(f.dataDir().resolve(upload)), sha256(stored));
    }

    @Test
    void theSecretKeyIsKeptOutsideTheDataDirectoryLayoutAndPrivate() throws Exception {
        Fixture f = fixture();
        Path key = tmp.resolve(".webui_secret_key");
        Files.writeString(key, "s3cr3t");
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Manifest m = new BackupRunner(new RecordingLog()).run(new BackupOptions(f.dataDir(), target, "test",
                FileSelector.defaults(), key, 2)).manifest();
        FileEntry e = m.files().stream().filter(FileEntry::isSecretKey).findFirst().orElseThrow();
        Path stored = target.root().resolve("test").resolve(m.backupId()).resolve(e.path());
        assertEquals("s3cr3t", Files.readString(stored));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)));
        assertFalse(e.path().startsWith("uploads/") || e.path().equals(".webui_secret_key"));
    }

    @Test
    void symlinksInAnIncludedCacheAreKeptAsLinksNotFollowed() throws Exception {
        Fixture f = fixture();
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        Manifest m = new BackupRunner(new RecordingLog()).run(new BackupOptions(f.dataDir(), target, "test",
                new FileSelector(null, List.of("audit.log")), null, 2)).manifest();
        List<FileEntry> links = m.files().stream().filter(FileEntry::isSymlink).toList();
        assertFalse(links.isEmpty(), "the fixture's cache has Hugging Face style symlinks");
        Path dir = target.root().resolve("test").resolve(m.backupId());
        for (FileEntry l : links) {
            Path stored = dir.resolve(l.path());
            assertTrue(Files.isSymbolicLink(stored), l.path());
            assertEquals(l.linkTarget(), Files.readSymbolicLink(stored).toString());
            assertEquals(Files.readSymbolicLink(f.dataDir().resolve(l.path())).toString(), l.linkTarget());
        }
    }

    @Test
    void runsLeaveNoLockOrPartialTreeBehind() throws Exception {
        Fixture f = fixture();
        LocalTarget target = TestSupport.target(tmp.resolve("backups"));
        TestSupport.backup(f.dataDir(), target);
        try (Stream<Path> s = Files.list(target.root().resolve("test"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            assertEquals(1, names.size(), names.toString());
        }
        assertTrue(target.incomplete("test").isEmpty());
    }
}
