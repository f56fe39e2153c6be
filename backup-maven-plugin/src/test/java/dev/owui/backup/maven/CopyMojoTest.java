package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** owui:copy as Maven runs it: from/to given as properties, the newest only or every missing one, and bad input. */
@MojoTest
class CopyMojoTest {
    @TempDir
    Path tmp;

    @Test
    @InjectMojo(goal = "copy")
    void copiesTheNewestThenEveryMissingBackup(CopyMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget cloud = TestSupport.target(tmp.resolve("cloud"));
        TestSupport.backup(f.dataDir(), cloud);
        TestSupport.backup(f.dataDir(), cloud);
        List<String> ids = cloud.backups("test");
        setVariableValueToObject(mojo, "from", tmp.resolve("cloud").toString());
        setVariableValueToObject(mojo, "to", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "threads", 2);
        setVariableValueToObject(mojo, "backupId", "latest");
        setVariableValueToObject(mojo, "toFormat", "2"); // trees as trees (auto would import them into a repository at this new target)
        mojo.execute();
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        assertEquals(ids.subList(1, 2), nas.backups("test"));

        setVariableValueToObject(mojo, "backupId", "all");
        mojo.execute();
        assertEquals(ids, nas.backups("test"), "all copies the one the destination lacked");
    }

    @Test
    @InjectMojo(goal = "copy")
    void toFormat3ImportsIntoTheRepositoryOnceAndAFormat3SourceIsCopiedAsStored(CopyMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget cloud = TestSupport.target(tmp.resolve("cloud"));
        TestSupport.backup(f.dataDir(), cloud);
        dev.owui.backup.testkit.Mutator.change(f.dataDir(), 2, 5);
        Thread.sleep(1100);
        TestSupport.backup(f.dataDir(), cloud);
        List<String> ids = cloud.backups("test");
        setVariableValueToObject(mojo, "from", tmp.resolve("cloud").toString());
        setVariableValueToObject(mojo, "to", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "threads", 2);
        setVariableValueToObject(mojo, "backupId", "all");
        setVariableValueToObject(mojo, "toFormat", "3");
        setVariableValueToObject(mojo, "compression", "zstd");
        mojo.execute();
        for (String id : ids) {
            assertTrue(java.nio.file.Files.exists(tmp.resolve("nas/test/backups/" + id + ".json")), id + " is a format 3 backup at the destination");
        }
        assertEquals(List.of(), TestSupport.target(tmp.resolve("nas")).backups("test"), "no format 2 tree was written");
        try (var store = new dev.owui.backup.repo.store.LocalObjectStore(tmp.resolve("nas"))) {
            var repo = dev.owui.backup.repo.Repository.open(store, "test", tmp.resolve("scratch"), dev.owui.backup.report.EngineLog.SILENT);
            assertEquals("zstd", repo.backups().head(ids.get(1)).storage().compression(), "the destination's compression applies");
        }

        // Again, and as format 2: the destination holds both ids (as format 3), nothing is copied.
        mojo.execute();
        setVariableValueToObject(mojo, "toFormat", "2");
        mojo.execute();
        assertEquals(List.of(), TestSupport.target(tmp.resolve("nas")).backups("test"), "format 3 ids count as already there");

        // A format 3 backup at the source is copied as stored: settings given for the destination
        // that differ from how it is stored are refused (no re-encoding), none given copies it.
        Thread.sleep(1100);
        String head = format3Backup(f.dataDir(), tmp.resolve("cloud"));
        setVariableValueToObject(mojo, "backupId", "latest");
        setVariableValueToObject(mojo, "toFormat", "3");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("does not re-encode") && e.getMessage().contains(head), e.getMessage());
        assertFalse(java.nio.file.Files.exists(tmp.resolve("nas/test/backups/" + head + ".json")));
        setVariableValueToObject(mojo, "compression", "none");
        mojo.execute();
        assertTrue(java.nio.file.Files.exists(tmp.resolve("nas/test/backups/" + head + ".json")), "copied as stored (plain)");
        setVariableValueToObject(mojo, "toFormat", "4");
        e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("owui.toFormat=4"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "copy")
    void withoutASourceOrAnUnknownBackupTheBuildFailsWithTheRemedy(CopyMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "to", tmp.resolve("nas").toString());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("needs a source and a destination"), e.getMessage());

        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        TestSupport.backup(f.dataDir(), TestSupport.target(tmp.resolve("cloud")));
        setVariableValueToObject(mojo, "from", tmp.resolve("cloud").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "threads", 2);
        setVariableValueToObject(mojo, "backupId", "20200101T000000Z");
        e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("no backup 20200101T000000Z"), e.getMessage());
        assertEquals(List.of(), TestSupport.target(tmp.resolve("nas")).backups("test"));
    }

    @Test
    @InjectMojo(goal = "backup")
    void aCopyPlanIsRefusedByBackupWithTheGoalToUse(BackupMojo mojo) throws Exception {
        TargetConfig cloud = MojoConfigs.target("cloud", tmp.resolve("cloud").toString());
        TargetConfig nas = MojoConfigs.target("nas", tmp.resolve("nas").toString());
        PlanConfig weekly = MojoConfigs.plan("weekly", "nas");
        weekly.copyFrom = "cloud";
        setVariableValueToObject(mojo, "targets", List.of(cloud, nas));
        setVariableValueToObject(mojo, "plans", List.of(weekly));
        setVariableValueToObject(mojo, "plan", "weekly");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("is a copy plan") && e.getMessage().contains("owui:copy -Dowui.plan=weekly"), e.getMessage());
    }

    /** A format 3 backup of {@code data} into the repository of instance "test" at the folder {@code target}; its id. */
    static String format3Backup(Path data, Path target) {
        try (var store = new dev.owui.backup.repo.store.LocalObjectStore(target)) {
            var repo = dev.owui.backup.repo.Repository.open(store, "test", target.resolveSibling("scratch"), dev.owui.backup.report.EngineLog.SILENT);
            return new dev.owui.backup.repo.engine.RepoBackupRunner(dev.owui.backup.report.EngineLog.SILENT).run(repo,
                    new dev.owui.backup.repo.engine.RepoBackupRunner.Options(data, "test", null, false, target.resolveSibling("staging"))).backupId();
        }
    }

    static java.util.List<String> heads(Path target) {
        if (!java.nio.file.Files.exists(target.resolve("test/repository.json"))) {
            return List.of();
        }
        try (var store = new dev.owui.backup.repo.store.LocalObjectStore(target)) {
            return dev.owui.backup.repo.Repository.open(store, "test", target.resolveSibling("scratch"), dev.owui.backup.report.EngineLog.SILENT)
                    .backups().list();
        }
    }

    @Test
    @InjectMojo(goal = "copy")
    void aSourceWithBothFormatsCopiesBothKindsAndAFormat2OnlyDestinationIsOfferedNoFormat3(CopyMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget cloud = TestSupport.target(tmp.resolve("cloud"));
        String tree = TestSupport.backup(f.dataDir(), cloud).manifest().backupId();
        Thread.sleep(1100);
        String head = format3Backup(f.dataDir(), tmp.resolve("cloud"));
        Path report = tmp.resolve("copy.json");
        setVariableValueToObject(mojo, "from", tmp.resolve("cloud").toString());
        setVariableValueToObject(mojo, "to", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "threads", 2);
        setVariableValueToObject(mojo, "backupId", "all");
        setVariableValueToObject(mojo, "report", report.toString());
        mojo.execute();
        // owui.toFormat=auto at an empty destination: the tree is imported, the format 3 backup copied, both into its repository.
        assertEquals(List.of(), TestSupport.target(tmp.resolve("nas")).backups("test"), "no tree at a new destination");
        assertEquals(List.of(tree, head), heads(tmp.resolve("nas")), "both kinds into a repository at the empty destination");
        var json = dev.owui.backup.report.ReportSchema.validate(report);
        var rows = json.get("copy").get("destinations").get(0).get("backups");
        assertEquals(tree, rows.get(0).get("backupId").asText());
        assertEquals(3, rows.get(1).get("format").asInt());
        assertTrue(rows.get(1).get("objectsCopied").asLong() > 0 && rows.get(1).get("objectsPresent").asLong() >= 0, rows.toString());
        assertEquals(rows.get(1).get("bytesCopied").asLong(), rows.get(1).get("bytesSent").asLong());

        // Again: nothing to copy, both already there.
        mojo.execute();
        rows = dev.owui.backup.report.ReportSchema.validate(report).get("copy").get("destinations").get(0).get("backups");
        assertEquals("alreadyThere", rows.get(0).get("action").asText());
        assertEquals("alreadyThere", rows.get(1).get("action").asText());

        // A destination with format 1/2 trees only: the format 3 backup is not turned into a tree.
        setVariableValueToObject(mojo, "to", tmp.resolve("old").toString());
        setVariableValueToObject(mojo, "backupId", tree);
        setVariableValueToObject(mojo, "toFormat", "2");
        mojo.execute();
        setVariableValueToObject(mojo, "toFormat", "auto");
        setVariableValueToObject(mojo, "backupId", "all");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("copying a format 3 backup into format 2 is not offered") && e.getMessage().contains(head)
                && e.getMessage().contains("owui.toFormat=3"), e.getMessage());
        assertFalse(java.nio.file.Files.exists(tmp.resolve("old/test/repository.json")), "nothing was started there");
        setVariableValueToObject(mojo, "toFormat", "3");
        mojo.execute();
        assertEquals(List.of(tree), TestSupport.target(tmp.resolve("old")).backups("test"));
        assertEquals(List.of(head), heads(tmp.resolve("old")), "with owui.toFormat=3, into a repository beside the trees");
    }

    @Test
    @InjectMojo(goal = "copy")
    void aCopyPlanFromAFormat3SourceCopiesAndAppliesItsRetention(CopyMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        List<String> made = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                dev.owui.backup.testkit.Mutator.change(f.dataDir(), 2, 20 + i);
                Thread.sleep(1100);
            }
            made.add(format3Backup(f.dataDir(), tmp.resolve("cloud")));
        }
        TargetConfig cloud = MojoConfigs.target("cloud", tmp.resolve("cloud").toString());
        TargetConfig nas = MojoConfigs.target("nas", tmp.resolve("nas").toString());
        PlanConfig weekly = MojoConfigs.plan("weekly", "nas");
        weekly.copyFrom = "cloud";
        weekly.keepLast = 2;
        setVariableValueToObject(mojo, "targets", List.of(cloud, nas));
        setVariableValueToObject(mojo, "plans", List.of(weekly));
        setVariableValueToObject(mojo, "plan", "weekly");
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "threads", 2);
        setVariableValueToObject(mojo, "backupId", "all");
        mojo.execute();
        assertEquals(made.subList(1, 3), heads(tmp.resolve("nas")), "all three copied, then the plan keeps the last 2");
        assertEquals(made, heads(tmp.resolve("cloud")), "the source is untouched");
        var restored = tmp.resolve("restored");
        try (var store = new dev.owui.backup.repo.store.LocalObjectStore(tmp.resolve("nas"))) {
            var repo = dev.owui.backup.repo.Repository.open(store, "test", tmp.resolve("scratch"), dev.owui.backup.report.EngineLog.SILENT);
            new dev.owui.backup.repo.restore.RepoRestore(repo).run(new dev.owui.backup.repo.restore.RepoRestore.Options(made.get(2), restored,
                    null, tmp.resolve("key")));
        }
        try (var uploads = java.nio.file.Files.list(f.dataDir().resolve("uploads"))) {
            for (Path u : uploads.filter(java.nio.file.Files::isRegularFile).toList()) {
                assertEquals(-1L, java.nio.file.Files.mismatch(u, restored.resolve("uploads").resolve(u.getFileName())), u + " restored after the prune");
            }
        }
    }
}
