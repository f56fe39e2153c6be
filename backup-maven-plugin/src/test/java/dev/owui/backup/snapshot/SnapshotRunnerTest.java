package dev.owui.backup.snapshot;

import static dev.owui.backup.TestSupport.inode;
import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotRunnerTest {
    @TempDir
    Path tmp;
    Fixture f;
    LocalTarget snapshots;
    String upload;

    @BeforeEach
    void instance() throws Exception {
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        snapshots = TestSupport.target(tmp.resolve("snapshots"));
        upload = f.uploads().stream().filter(u -> {
            try {
                return Files.size(f.dataDir().resolve(u)) > 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
    }

    private Manifest snapshot(int keep) {
        return new SnapshotRunner(new RecordingLog()).run(TestSupport.options(f.dataDir(), snapshots), keep).snapshot().manifest();
    }

    private static dev.owui.backup.format.FileEntry entry(Manifest m, String path) {
        return m.files().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
    }

    private Path stored(Manifest m, String path) {
        return snapshots.localFile("test", m.backupId(), path);
    }

    @Test
    void unchangedFilesAreOneInodeAcrossAllSnapshots() throws Exception {
        List<Manifest> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(snapshot(7));
        }
        Object ino = inode(stored(made.get(0), upload));
        for (Manifest m : made) {
            assertEquals(ino, inode(stored(m, upload)));
        }
        assertEquals(3, (int) Files.getAttribute(stored(made.get(2), upload), "unix:nlink"));
    }

    @Test
    void aPermissionOrTimeChangeGivesANewFileAndLeavesTheOlderSnapshotAsItWas() throws Exception {
        Manifest first = snapshot(7);
        Path src = f.dataDir().resolve(upload);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rw-------"));
        Manifest second = snapshot(7);
        assertNotEquals(inode(stored(first, upload)), inode(stored(second, upload)), "a shared inode must never change: a new file it is");
        // The manifests hold the source's modes; the stored files are private (0600) either way.
        assertEquals("rw-r--r--", entry(first, upload).mode());
        assertEquals("rw-------", entry(second, upload).mode());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stored(first, upload))));
        assertEquals(sha256(stored(first, upload)), sha256(stored(second, upload)));

        Files.setLastModifiedTime(src, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Manifest third = snapshot(7);
        assertNotEquals(inode(stored(second, upload)), inode(stored(third, upload)));
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), Files.getLastModifiedTime(stored(third, upload)).toInstant());
        assertNotEquals(Instant.parse("2020-01-01T00:00:00Z"), Files.getLastModifiedTime(stored(second, upload)).toInstant());
    }

    @Test
    void rotationKeepsTheNewestAndTheKeptOnesStayWhole() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(snapshot(2).backupId());
        }
        assertEquals(ids.subList(2, 4), snapshots.backups("test"));
        assertTrue(snapshots.incomplete("test").isEmpty(), "removed trees are gone, not left half-deleted");
        for (VerifyResult r : new Verifier(new RecordingLog()).run(snapshots, "test", "all")) {
            assertTrue(r.whole(), r.damages().toString());
        }
        Manifest newest = snapshots.manifest("test", ids.get(3));
        FileEntry e = newest.files().stream().filter(x -> x.path().equals(upload)).findFirst().orElseThrow();
        assertEquals(ids.get(2), e.reusedFrom());
    }

    @Test
    void aKeepBelowOneIsRefusedBeforeAnythingIsWritten() {
        OwuiException e = assertThrows(OwuiException.class, () -> snapshot(0));
        assertTrue(e.getMessage().contains("owui.keep is 0"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("snapshots")));
    }
}
