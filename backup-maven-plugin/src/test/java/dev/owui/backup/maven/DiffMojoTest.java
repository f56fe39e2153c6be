package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.getVariableValueFromObject;
import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** owui:diff as Maven runs it: its parameters and their properties, skip, a plain run, errors, and plans. */
@MojoTest
class DiffMojoTest {
    @TempDir
    Path tmp;

    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    /** Two backups of a generated instance, a day of use apart; returns their ids, oldest first. */
    private List<String> twoBackups(LocalTarget target) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        TestSupport.backup(f.dataDir(), target);
        Mutator.change(f.dataDir(), 5, 3);
        TestSupport.backup(f.dataDir(), target);
        return target.backups("test");
    }

    private Log recording() {
        return (Log) java.lang.reflect.Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] {Log.class}, (p, m, args) -> {
            if (m.getName().startsWith("is")) {
                return true;
            }
            if (args != null && args.length > 0 && args[0] instanceof CharSequence s) {
                lines.add(s.toString());
            }
            return null;
        });
    }

    @Test
    void theGoalReadsOwuiBackupIdsAndOwuiDiffLimitAndIsThreadSafe() throws Exception {
        // What mvn -D binds: the generated plugin descriptor, as Maven reads it.
        String xml = Files.readString(Path.of("target/classes/META-INF/maven/plugin.xml"));
        String goal = xml.substring(xml.indexOf("<goal>diff</goal>"));
        goal = goal.substring(0, goal.indexOf("</mojo>"));
        assertTrue(goal.contains("<threadSafe>true</threadSafe>") && goal.contains("<requiresProject>false</requiresProject>"), goal);
        assertTrue(goal.contains("<backupIds implementation=\"java.lang.String\">${owui.backupIds}</backupIds>"), goal);
        assertTrue(goal.contains("<diffLimit implementation=\"int\" default-value=\"50\">${owui.diffLimit}</diffLimit>"), goal);
        assertTrue(goal.contains("${owui.skip}") && goal.contains("${owui.plan}") && goal.contains("${owui.target}"), goal);
    }

    @Test
    @InjectMojo(goal = "diff")
    void theTwoNewestByDefaultOrTheNamedPairWithTheLimit(DiffMojo mojo) throws Exception {
        assertEquals((Object) null, getVariableValueFromObject(mojo, "backupIds"));
        assertEquals(50, (int) getVariableValueFromObject(mojo, "diffLimit"));
        LocalTarget target = TestSupport.target(tmp.resolve("nas"));
        List<String> ids = twoBackups(target);
        mojo.setLog(recording());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "instance", "test");
        mojo.execute();
        assertTrue(lines.get(0).startsWith("backup " + ids.get(0) + " → " + ids.get(1) + " of instance 'test' at "), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("~ webui.db") || l.contains("  ~ webui.db")), lines.toString());

        lines.clear();
        setVariableValueToObject(mojo, "backupIds", ids.get(0) + ",latest");
        setVariableValueToObject(mojo, "diffLimit", 0);
        mojo.execute();
        assertTrue(lines.get(0).startsWith("backup " + ids.get(0) + " → " + ids.get(1)), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("~ ") || l.contains("+ ")), "owui.diffLimit=0 lists no path: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("chats ")), "the counts still show: " + lines);

        setVariableValueToObject(mojo, "backupIds", ids.get(1) + "," + ids.get(1));
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("names backup " + ids.get(1) + " twice"), e.getMessage());
        setVariableValueToObject(mojo, "diffLimit", -1);
        e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("owui.diffLimit=-1 is negative"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "diff")
    @MojoParameter(name = "skip", value = "true")
    void skipDoesNothingEvenWithoutATarget(DiffMojo mojo) throws Exception {
        mojo.execute();
    }

    @Test
    @InjectMojo(goal = "diff")
    void aTargetWithOneBackupFailsSayingThereIsNothingToCompare(DiffMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        TestSupport.backup(f.dataDir(), TestSupport.target(tmp.resolve("nas")));
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "instance", "test");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("only one backup ("), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "diff")
    void aPlanIsDiffedAtEachOfItsTargetsAndATargetWithoutTwoBackupsIsNamed(DiffMojo mojo) throws Exception {
        twoBackups(TestSupport.target(tmp.resolve("local")));
        java.nio.file.Files.createDirectories(tmp.resolve("nas")); // it exists but holds no backup (a missing one is another error)
        TargetConfig local = MojoConfigs.target("local", tmp.resolve("local").toString());
        TargetConfig nas = MojoConfigs.target("nas", tmp.resolve("nas").toString());
        PlanConfig daily = MojoConfigs.plan("daily", "local", "nas");
        setVariableValueToObject(mojo, "targets", List.of(local, nas));
        setVariableValueToObject(mojo, "plans", List.of(daily));
        setVariableValueToObject(mojo, "plan", "daily");
        setVariableValueToObject(mojo, "instance", "test");
        mojo.setLog(recording());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("owui:diff failed at 1 of 2 target(s): nas (no backups of instance 'test'"), e.getMessage());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("target local (")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("files: ")), "the local target was still diffed: " + lines);
    }
}
