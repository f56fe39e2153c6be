package dev.owui.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.Targets;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The space a prune frees, as owui:prune reports it, against what the disk or bucket really holds
 * before and after: hard-linked files shared with a kept backup do not count on a local disk;
 * on S3 every object of a removed backup does.
 */
class PruneSpaceTest {
    @TempDir
    Path tmp;

    /** Bytes under a folder, each inode once: what du counts. */
    static long du(Path root) throws IOException {
        Map<Object, Long> inodes = new HashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    inodes.put(Files.readAttributes(p, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino"), Files.size(p));
                }
            }
        }
        return inodes.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Fixture twoDays(Path data, Target t) throws Exception {
        Fixture f = OpenWebUiFixture.at(data).uploads(20).build();
        new BackupRunner(new RecordingLog()).run(new BackupOptions(f.dataDir(), t, "test", null, null, 2));
        Mutator.change(f.dataDir(), 10, 7);
        Thread.sleep(1100); // a new backup id (ids have one-second resolution)
        new BackupRunner(new RecordingLog()).run(new BackupOptions(f.dataDir(), t, "test", null, null, 2));
        return f;
    }

    @Test
    void onALocalDiskOnlyFilesNoKeptBackupSharesCountAndTheFigureIsWhatTheDiskGetsBack() throws Exception {
        LocalTarget t = TestSupport.target(tmp.resolve("backups"));
        twoDays(tmp.resolve("data"), t);
        Path instance = tmp.resolve("backups").resolve("test");
        long before = du(instance);

        Pruner.Outcome dry = Pruner.applyMeasured(t, "test", Policy.keepLast(1), ZoneOffset.UTC, null, true, new RecordingLog());
        assertEquals(2, t.backups("test").size(), "a dry run removes nothing");
        long predicted = dry.bytesFreed().orElseThrow();

        Pruner.Outcome real = Pruner.applyMeasured(t, "test", Policy.keepLast(1), ZoneOffset.UTC, null, false, new RecordingLog());
        long freed = before - du(instance);
        assertEquals(1, t.backups("test").size());
        assertEquals(freed, real.bytesFreed().orElseThrow(), "reported against what the disk got back");
        assertEquals(predicted, freed, "the dry run predicted it");
        // Most files were shared (hard links to the kept backup): far less than the removed backup's size.
        assertTrue(freed > 0 && freed < before / 2, "freed " + freed + " of " + before);
    }

    @Test
    void onS3EveryObjectOfARemovedBackupCounts() throws Exception {
        try (S3Server server = S3Server.start(tmp.resolve("s3"));
             Target t = Targets.open(server.spec("s3://backups/owui"), S3Server.context())) {
            twoDays(tmp.resolve("data"), t);
            long before = du(server.dir());
            Pruner.Outcome real = Pruner.applyMeasured(t, "test", Policy.keepLast(1), ZoneOffset.UTC, null, false, new RecordingLog());
            long freed = before - du(server.dir());
            assertEquals(1, t.backups("test").size());
            assertEquals(freed, real.bytesFreed().orElseThrow());
            assertTrue(freed > before / 3, "a server-side copy is a full object: freed " + freed + " of " + before);
        }
    }

    @Test
    void nothingToRemoveFreesNothing() throws Exception {
        LocalTarget t = TestSupport.target(tmp.resolve("backups"));
        twoDays(tmp.resolve("data"), t);
        assertEquals(0, Pruner.applyMeasured(t, "test", Policy.keepLast(5), ZoneOffset.UTC, null, false, new RecordingLog())
                .bytesFreed().orElseThrow());
    }
}
