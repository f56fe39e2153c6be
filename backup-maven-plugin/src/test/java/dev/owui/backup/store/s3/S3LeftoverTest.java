package dev.owui.backup.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leftovers the S3 service cannot list or delete (its store broken by a crash: HTTP 500 for that
 * prefix) never block a backup: the run warns, leaves them, and a later run, with the service
 * healthy again, removes them. S3Proxy itself answers the 500s ({@link S3Server#refuse}).
 */
class S3LeftoverTest {
    static final String LEFTOVER = "20200101T000000Z";

    @TempDir
    Path tmp;
    S3Server server;
    Fixture fixture;
    S3Target target;

    @BeforeEach
    void start() throws Exception {
        server = S3Server.start(tmp.resolve("s3"));
        fixture = OpenWebUiFixture.at(tmp.resolve("data")).uploads(5).build();
        target = S3Target.open(server.spec("s3://backups/owui"), S3Server.context());
    }

    @AfterEach
    void stop() throws Exception {
        if (target != null) {
            target.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private BackupResult backup(RecordingLog log) {
        return new BackupRunner(log).run(new BackupOptions(fixture.dataDir(), target, "test", null, null, 2));
    }

    @Test
    void aLeftoverTheServiceCannotListOrDeleteWarnsAndTheNextHealthyRunRemovesIt() {
        String first = backup(new RecordingLog()).manifest().backupId();
        // what an interrupted run leaves: files under its id, no manifest
        target.put("owui/test/" + LEFTOVER + "/uploads/half-sent.bin", "partial".getBytes(StandardCharsets.UTF_8));
        server.refuse("owui/test/" + LEFTOVER + "/", true);

        RecordingLog log = new RecordingLog();
        BackupResult second = backup(log);
        String warning = "left s3://backups/owui/test/" + LEFTOVER + "/ in place";
        assertTrue(log.warnings.stream().anyMatch(w -> w.contains(warning) && w.contains("HTTP 500") && w.contains("the next run tries")),
                "warns naming the leftover and the error: " + log.warnings);
        assertTrue(second.warnings().stream().anyMatch(w -> w.contains(warning)), "and counts it among the run's warnings");
        assertEquals(List.of(first, second.manifest().backupId()), target.backups("test"));
        assertEquals(List.of(LEFTOVER), target.incomplete("test"), "the leftover stays, still no backup");

        server.heal();
        log = new RecordingLog();
        String third = backup(log).manifest().backupId();
        assertTrue(log.saidAnywhere("removed " + LEFTOVER), log.infos.toString());
        assertTrue(log.warnings.stream().noneMatch(w -> w.contains("in place")), log.warnings.toString());
        assertEquals(List.of(), target.incomplete("test"));
        assertEquals(List.of(first, second.manifest().backupId(), third), target.backups("test"));
        assertTrue(target.objects("owui/test/" + LEFTOVER + "/").isEmpty());
    }

    @Test
    void aBackupWhoseFilesCannotBeListedAfterItsManifestIsGoneIsRemovedWithAWarningAndFinishedNextRun() {
        String old = backup(new RecordingLog()).manifest().backupId();
        String kept = backup(new RecordingLog()).manifest().backupId();
        server.refuse("owui/test/" + old + "/", false); // its manifest can go, its files cannot be listed

        RecordingLog log = new RecordingLog();
        Pruner.apply(target, "test", Policy.keepLast(1), ZoneOffset.UTC, null, false, log);
        assertTrue(log.saidAnywhere("removed " + old), log.infos.toString());
        assertTrue(log.warnings.stream().anyMatch(w -> w.contains("left s3://backups/owui/test/" + old + "/ in place") && w.contains("HTTP 500")),
                log.warnings.toString());
        assertEquals(List.of(kept), target.backups("test"), "the pruned backup no longer counts");
        assertEquals(List.of(old), target.incomplete("test"), "its files are an incomplete tree now");

        server.heal();
        log = new RecordingLog();
        backup(log);
        assertTrue(log.saidAnywhere("removed " + old), log.infos.toString());
        assertEquals(List.of(), target.incomplete("test"));
    }

    @Test
    void aBackupWhoseManifestCannotBeDeletedStillFailsThePruneAndStaysWhole() {
        String old = backup(new RecordingLog()).manifest().backupId();
        String kept = backup(new RecordingLog()).manifest().backupId();
        server.refuse("owui/test/" + old + "/", true);
        OwuiException e = assertThrows(OwuiException.class,
                () -> Pruner.apply(target, "test", Policy.keepLast(1), ZoneOffset.UTC, null, false, new RecordingLog()));
        assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
        server.heal();
        assertEquals(List.of(old, kept), target.backups("test"), "a backup that still counts is never half-removed silently");
    }
}
