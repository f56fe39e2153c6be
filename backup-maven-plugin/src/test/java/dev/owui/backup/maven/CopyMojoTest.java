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
