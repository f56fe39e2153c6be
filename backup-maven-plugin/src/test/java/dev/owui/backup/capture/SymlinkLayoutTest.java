package dev.owui.backup.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.RunningInstanceCheck;
import dev.owui.backup.snapshot.SnapshotRunner;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The common layout where the data directory is a symlink to a Docker volume
 * ({@code /srv/owui -> /var/lib/docker/volumes/owui/_data}), and targets reached through symlinks.
 */
class SymlinkLayoutTest {
    @TempDir
    Path tmp;

    private Fixture volume() throws Exception {
        return OpenWebUiFixture.at(tmp.resolve("volumes/owui/_data")).build();
    }

    private Path link(Path at, Path to) throws Exception {
        Files.createDirectories(at.getParent());
        return Files.createSymbolicLink(at, to);
    }

    @Test
    void aDataDirectoryThatIsASymlinkIsBackedUpWholeAndRecordedAsGiven() throws Exception {
        Fixture f = volume();
        Path srv = link(tmp.resolve("srv/owui"), f.dataDir());

        Manifest viaLink = TestSupport.backup(srv, TestSupport.target(tmp.resolve("a"))).manifest();
        Manifest direct = TestSupport.backup(f.dataDir(), TestSupport.target(tmp.resolve("b"))).manifest();

        assertEquals(srv.toString(), viaLink.dataDir(), "the manifest records the directory as given");
        Set<String> paths = viaLink.files().stream().map(FileEntry::path).collect(Collectors.toSet());
        assertEquals(direct.files().stream().map(FileEntry::path).collect(Collectors.toSet()), paths);
        assertTrue(paths.containsAll(f.uploads()));
        assertEquals(f.schemaRevision(), viaLink.openWebUi().schemaRevision());
    }

    @Test
    void aSnapshotThroughASymlinkedDataDirectoryWorks() throws Exception {
        Fixture f = volume();
        Path srv = link(tmp.resolve("srv/owui"), f.dataDir());
        LocalTarget target = TestSupport.target(tmp.resolve("snapshots"));
        SnapshotRunner.Result r = new SnapshotRunner(new TestSupport.RecordingLog()).run(TestSupport.options(srv, target), 2);
        assertTrue(r.snapshot().manifest().files().stream().anyMatch(e -> e.path().equals("webui.db")));
    }

    @Test
    void aTargetReachedThroughASymlinkIntoTheDataDirectoryIsRefused() throws Exception {
        Fixture f = volume();
        Path backups = link(tmp.resolve("mnt/backups"), f.dataDir().resolve("uploads"));
        LocalTarget target = TestSupport.target(backups.resolve("owui")); // does not exist yet
        OwuiException e = assertThrows(OwuiException.class, () -> TestSupport.backup(f.dataDir(), target));
        assertTrue(e.getMessage().contains("is inside the data directory"), e.getMessage());
        assertTrue(List.of(f.dataDir().resolve("uploads").toFile().list()).stream().noneMatch(n -> n.equals("owui")), "nothing was written");
    }

    @Test
    void aTargetInsideTheRealPathOfASymlinkedDataDirectoryIsRefused() throws Exception {
        Fixture f = volume();
        Path srv = link(tmp.resolve("srv/owui"), f.dataDir());
        LocalTarget target = TestSupport.target(f.dataDir().resolve("backups"));
        OwuiException e = assertThrows(OwuiException.class, () -> TestSupport.backup(srv, target));
        assertTrue(e.getMessage().contains("is inside the data directory"), e.getMessage());
        assertTrue(Files.notExists(f.dataDir().resolve("backups")), "nothing was written");
    }

    /** Restore's running-instance check looks through the symlink: /proc shows real paths. */
    @Test
    void aProcessWithAFileOpenInTheRealDirectoryIsSeenThroughTheSymlink() throws Exception {
        Fixture f = volume();
        Path srv = link(tmp.resolve("srv/owui"), f.dataDir());
        Path upload = f.dataDir().resolve(f.uploads().get(0));
        Process p = new ProcessBuilder("/bin/sh", "-c", "exec 3<\"$1\"; echo open; exec sleep 30", "sh", upload.toString()).start();
        try {
            assertEquals("open", new String(p.getInputStream().readNBytes(4)));
            assertTrue(RunningInstanceCheck.whoUses(srv).isPresent(), "the open upload is seen through " + srv);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
