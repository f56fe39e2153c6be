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

/** owui:prune as Maven runs it: a dry run changes nothing, a real run keeps exactly the policy's backups. */
@MojoTest
class PruneMojoTest {
    @TempDir
    Path tmp;

    private List<String> threeBackups(LocalTarget target) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        for (int i = 0; i < 3; i++) {
            TestSupport.backup(f.dataDir(), target);
        }
        return target.backups("test");
    }

    @Test
    @InjectMojo(goal = "prune")
    void aDryRunRemovesNothingAndARealRunKeepsTheNewest(PruneMojo mojo) throws Exception {
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        List<String> ids = threeBackups(target);
        setVariableValueToObject(mojo, "target", tmp.resolve("b").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "keepLast", 2);
        setVariableValueToObject(mojo, "dryRun", true);
        mojo.execute();
        assertEquals(ids, target.backups("test"), "a dry run removes nothing");

        setVariableValueToObject(mojo, "dryRun", false);
        mojo.execute();
        assertEquals(ids.subList(1, 3), target.backups("test"));
        assertTrue(target.incomplete("test").isEmpty());
    }

    @Test
    @InjectMojo(goal = "prune")
    void aPolicyThatKeepsNothingIsRefused(PruneMojo mojo) throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("b"));
        setVariableValueToObject(mojo, "target", tmp.resolve("b").toString());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("keeps nothing"), e.getMessage());
    }
}
