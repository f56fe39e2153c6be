package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        mojo.execute();
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        assertEquals(ids.subList(1, 2), nas.backups("test"));

        setVariableValueToObject(mojo, "backupId", "all");
        mojo.execute();
        assertEquals(ids, nas.backups("test"), "all copies the one the destination lacked");
    }

    @Test
    @InjectMojo(goal = "copy")
    void toFormat3ImportsIntoTheRepositoryOnceAndAFormat3SourceIsRefused(CopyMojo mojo) throws Exception {
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
        setVariableValueToObject(mojo, "toFormat", 3);
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
        setVariableValueToObject(mojo, "toFormat", 2);
        mojo.execute();
        assertEquals(List.of(), TestSupport.target(tmp.resolve("nas")).backups("test"), "format 3 ids count as already there");

        // A format 3 backup at the source: copying it is not built yet.
        Thread.sleep(1100);
        try (var store = new dev.owui.backup.repo.store.LocalObjectStore(tmp.resolve("cloud"))) {
            var repo = dev.owui.backup.repo.Repository.open(store, "test", tmp.resolve("scratch"), dev.owui.backup.report.EngineLog.SILENT);
            new dev.owui.backup.repo.engine.RepoBackupRunner(dev.owui.backup.report.EngineLog.SILENT).run(repo,
                    new dev.owui.backup.repo.engine.RepoBackupRunner.Options(f.dataDir(), "test", null, false, tmp.resolve("staging")));
        }
        setVariableValueToObject(mojo, "backupId", "latest");
        setVariableValueToObject(mojo, "toFormat", 3);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("copying a format 3 backup is not built yet"), e.getMessage());
        setVariableValueToObject(mojo, "toFormat", 4);
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
        TargetConfig cloud = new TargetConfig();
        cloud.id = "cloud";
        cloud.url = tmp.resolve("cloud").toString();
        TargetConfig nas = new TargetConfig();
        nas.id = "nas";
        nas.url = tmp.resolve("nas").toString();
        PlanConfig weekly = new PlanConfig();
        weekly.id = "weekly";
        weekly.copyFrom = "cloud";
        weekly.targets = List.of("nas");
        setVariableValueToObject(mojo, "targets", List.of(cloud, nas));
        setVariableValueToObject(mojo, "plans", List.of(weekly));
        setVariableValueToObject(mojo, "plan", "weekly");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("is a copy plan") && e.getMessage().contains("owui:copy -Dowui.plan=weekly"), e.getMessage());
    }
}
