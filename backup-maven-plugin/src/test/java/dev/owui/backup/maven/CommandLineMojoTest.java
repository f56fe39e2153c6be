package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.getVariableValueFromObject;
import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.File;
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.Parameter;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.codehaus.plexus.util.xml.Xpp3DomBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against the pom (Maven lets a pom's {@code <configuration>} win over {@code -D},
 * and ignores a {@code -D} nothing reads): here every {@code -Dowui.*} wins and says so, a mistyped
 * one fails before anything happens, and the reading goals refuse a target that is not there.
 *
 * <p>The harness configures the Mojo from the pom the way Maven does; what Maven also hands the Mojo
 * is the execution's configuration (every parameter: the pom's value, or the descriptor's
 * {@code ${owui.x}}), built here by {@link #pom} from the same descriptor, and the session's
 * user properties (the -D's), set on the session the Mojo got.
 */
@MojoTest
class CommandLineMojoTest {
    private static final String POM = "src/test/projects/backup/pom.xml";

    @TempDir
    Path tmp;

    /** Mojo log lines, in order. */
    static final class Lines extends SystemStreamLog {
        final List<String> lines = new ArrayList<>();

        @Override
        public void info(CharSequence content) {
            lines.add(content.toString());
            super.info(content);
        }

        @Override
        public void error(CharSequence content) {
            lines.add(content.toString());
            super.error(content);
        }
    }

    private static Lines lines(AbstractMojo mojo) {
        Lines log = new Lines();
        mojo.setLog(log);
        return log;
    }

    /** -D's of this run: the session's user properties. */
    private static void commandLine(AbstractMojo mojo, Map<String, String> properties) throws Exception {
        MavenSession session = getVariableValueFromObject(mojo, "session");
        properties.forEach(session.getUserProperties()::setProperty);
    }

    /**
     * The execution as Maven builds it for a pom whose plugin {@code <configuration>} is
     * {@code pomConfig}: each parameter holds the pom's element, or else its own expression.
     */
    private static void pom(AbstractMojo mojo, Xpp3Dom pomConfig) throws Exception {
        MojoExecution mocked = getVariableValueFromObject(mojo, "mojoExecution");
        MojoDescriptor md = mocked.getMojoDescriptor();
        Xpp3Dom config = new Xpp3Dom("configuration");
        for (Parameter p : md.getParameters()) {
            Xpp3Dom given = pomConfig.getChild(p.getName());
            if (given != null) {
                config.addChild(new Xpp3Dom(given));
            } else if (p.getExpression() != null) {
                Xpp3Dom c = new Xpp3Dom(p.getName());
                c.setValue(p.getExpression());
                config.addChild(c);
            }
        }
        MojoExecution real = new MojoExecution(md);
        real.setConfiguration(config);
        setVariableValueToObject(mojo, "mojoExecution", real);
    }

    private static Xpp3Dom pomFile(String path) throws Exception {
        try (FileReader r = new FileReader(path)) {
            return Xpp3DomBuilder.build(r).getChild("build").getChild("plugins").getChild("plugin").getChild("configuration");
        }
    }

    private static Xpp3Dom pomOf(Map<String, String> values) {
        Xpp3Dom config = new Xpp3Dom("configuration");
        values.forEach((k, v) -> {
            Xpp3Dom c = new Xpp3Dom(k);
            c.setValue(v);
            config.addChild(c);
        });
        return config;
    }

    private static List<String> tree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p) + ":" + (Files.isRegularFile(p) ? TestSupport.sha256(p) : "dir")).sorted().toList();
        }
    }

    @Test
    @InjectMojo(goal = "restore")
    void restoreGoesWhereTheCommandLineSaysAndLeavesThePomsDataDirectoryAlone(RestoreMojo mojo) throws Exception {
        Fixture live = OpenWebUiFixture.at(tmp.resolve("live")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        String id = TestSupport.backup(live.dataDir(), target).manifest().backupId();
        List<String> before = tree(live.dataDir());
        Path fresh = tmp.resolve("new");
        Files.createDirectories(fresh.resolve("old"));
        // The ops pom names the live instance; the operator restores elsewhere, as the README shows.
        setVariableValueToObject(mojo, "dataDir", live.dataDir().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("b").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "force", true); // -Dowui.force: not in the pom, so Maven already applied it
        pom(mojo, pomOf(Map.of("dataDir", live.dataDir().toString(), "target", tmp.resolve("b").toString(), "instance", "test")));
        commandLine(mojo, Map.of("owui.dataDir", fresh.toString(), "owui.force", "true"));
        Lines log = lines(mojo);

        mojo.execute();

        assertEquals(before, tree(live.dataDir()), "the pom's data directory is untouched");
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("live.before-restore")), "nothing of the live directory was moved aside");
        }
        assertTrue(Files.isRegularFile(fresh.resolve("webui.db")), "restored into the -D directory");
        assertTrue(log.lines.contains("owui.dataDir from the command line, not the pom's <dataDir>"), log.lines.toString());
        String announced = log.lines.stream().filter(l -> l.startsWith("restoring backup " + id)).findFirst().orElseThrow(() -> new AssertionError(log.lines));
        assertTrue(announced.contains(" from " + tmp.resolve("b") + " into " + fresh) && announced.contains("moved aside to " + tmp.resolve("new.before-restore-")),
                "said where it acts before acting: " + announced);
        assertTrue(log.lines.indexOf(announced) < log.lines.indexOf(log.lines.stream().filter(l -> l.startsWith("moved the directory's earlier contents")).findFirst().orElseThrow()));
    }

    @Test
    @InjectMojo(goal = "list", pom = POM)
    void listReadsTheCommandLinesTargetNotThePoms(ListMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        String id = TestSupport.backup(f.dataDir(), TestSupport.target(tmp.resolve("snaps"))).manifest().backupId();
        Files.createDirectories(tmp.resolve("pom-target"));
        setVariableValueToObject(mojo, "target", tmp.resolve("pom-target").toString());
        Xpp3Dom pomConfig = pomFile(POM);
        pomConfig.getChild("target").setValue(tmp.resolve("pom-target").toString());
        pomConfig.getChild("instance").setValue("test");
        setVariableValueToObject(mojo, "instance", "test");
        pom(mojo, pomConfig);
        commandLine(mojo, Map.of("owui.target", tmp.resolve("snaps").toString()));
        Lines log = lines(mojo);

        mojo.execute();

        assertTrue(log.lines.contains("owui.target from the command line, not the pom's <target>"), log.lines.toString());
        assertTrue(log.lines.stream().anyMatch(l -> l.contains(id)), "listed the -D target's backup: " + log.lines);
    }

    @Test
    @InjectMojo(goal = "backup", pom = POM)
    void everyKindOfParameterIsConvertedAsMavenWouldAndOnlyDifferencesAreSaid(BackupMojo mojo) throws Exception {
        // owui.skip is in no pom here: it stands for a -D that Maven already applied (skips the run after the override).
        Xpp3Dom withSkip = pomFile(POM);
        Xpp3Dom skip = new Xpp3Dom("skip");
        skip.setValue("false");
        withSkip.addChild(skip);
        pom(mojo, withSkip);
        commandLine(mojo, Map.of("owui.skip", "true", "owui.threads", "7", "owui.excludes", "a/**,b", "owui.dataDir", "elsewhere",
                "owui.instance", "prod", "owui.sync", "true"));
        Lines log = lines(mojo);

        mojo.execute();

        assertEquals(Boolean.TRUE, getVariableValueFromObject(mojo, "skip"));
        assertEquals(Integer.valueOf(7), getVariableValueFromObject(mojo, "threads"));
        assertEquals(List.of("a/**", "b"), getVariableValueFromObject(mojo, "excludes"), "a comma list, as Maven splits one");
        File dataDir = getVariableValueFromObject(mojo, "dataDir");
        assertTrue(dataDir.isAbsolute() && dataDir.getName().equals("elsewhere"), "a relative File against the project, as Maven resolves it: " + dataDir);
        assertEquals(Boolean.TRUE, getVariableValueFromObject(mojo, "sync"));
        assertTrue(log.lines.containsAll(List.of("owui.skip from the command line, not the pom's <skip>",
                "owui.threads from the command line, not the pom's <threads>", "owui.excludes from the command line, not the pom's <excludes>",
                "owui.dataDir from the command line, not the pom's <dataDir>", "owui.sync from the command line, not the pom's <sync>")), log.lines.toString());
        assertFalse(log.lines.stream().anyMatch(l -> l.startsWith("owui.instance")), "the same value as the pom's is not news: " + log.lines);
    }

    @Test
    @InjectMojo(goal = "backup", pom = POM)
    void aMistypedPropertyFailsNamingTheRealOneAndNothingHappens(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("pom-nas").toString());
        setVariableValueToObject(mojo, "secretKeyFile", null);
        pom(mojo, pomFile(POM));
        commandLine(mojo, Map.of("owui.targt", tmp.resolve("nas").toString()));

        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);

        assertTrue(e.getMessage().startsWith("owui.targt: no such parameter; did you mean owui.target?"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("pom-nas")), "no backup went to the pom's target");
        assertFalse(Files.exists(tmp.resolve("nas")));
    }

    @Test
    @InjectMojo(goal = "list")
    void anotherGoalsPropertyNamesThatGoal(ListMojo mojo) throws Exception {
        Files.createDirectories(tmp.resolve("b"));
        setVariableValueToObject(mojo, "target", tmp.resolve("b").toString());
        commandLine(mojo, Map.of("owui.dryRun", "true"));

        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);

        assertTrue(e.getMessage().startsWith("owui.dryRun is not a parameter of owui:list (owui:prune reads it)"), e.getMessage());
    }

    @Test
    void anotherGoalsPropertyIsFineWhenThatGoalRunsToo() {
        List<String> verify = List.of("verify", "copy");
        assertTrue(CommandLineProperties.mayRunAnyOf(List.of("owui:copy", "owui:list"), null, verify));
        assertTrue(CommandLineProperties.mayRunAnyOf(List.of("dev.owui:backup-maven-plugin:0.1.0:verify@nightly"), null, verify));
        assertTrue(CommandLineProperties.mayRunAnyOf(List.of("install"), null, verify), "a phase may run any goal the pom binds");
        assertFalse(CommandLineProperties.mayRunAnyOf(List.of("owui:list"), null, verify));
        assertFalse(CommandLineProperties.mayRunAnyOf(List.of(), null, verify));
    }

    @Test
    void theNearestNameIsSuggestedAndAFarOneIsNot() {
        List<String> known = List.of("owui.target", "owui.dataDir", "owui.threads", "owui.instance");
        assertEquals("owui.target", CommandLineProperties.nearest("owui.targt", known));
        assertEquals("owui.target", CommandLineProperties.nearest("owui.tagret", known), "a swapped pair counts once");
        assertEquals("owui.dataDir", CommandLineProperties.nearest("owui.datadir", known));
        assertNull(CommandLineProperties.nearest("owui.notify.webhook", known));
    }

    @Test
    @InjectMojo(goal = "list")
    void listOfAMissingTargetFails(ListMojo mojo) throws Exception {
        assertMissingTargetFails(mojo);
    }

    @Test
    @InjectMojo(goal = "verify")
    void verifyOfAMissingTargetFails(VerifyMojo mojo) throws Exception {
        assertMissingTargetFails(mojo);
    }

    @Test
    @InjectMojo(goal = "prune")
    void pruneNamesTheTargetAndThePolicyBeforeItRemovesAnything(PruneMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("b"));
        TestSupport.backup(f.dataDir(), target);
        TestSupport.backup(f.dataDir(), target);
        setVariableValueToObject(mojo, "target", tmp.resolve("b").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "keepLast", 1);
        Lines log = lines(mojo);
        mojo.execute();
        assertTrue(log.lines.get(0).startsWith("pruning instance 'test' at " + tmp.resolve("b") + " with policy "), log.lines.toString());
        assertEquals(1, target.backups("test").size());
    }

    @Test
    @InjectMojo(goal = "prune")
    void pruneOfAMissingTargetFails(PruneMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "keepLast", 1);
        assertMissingTargetFails(mojo);
    }

    @Test
    @InjectMojo(goal = "restore")
    void restoreFromAMissingTargetFails(RestoreMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "dataDir", tmp.resolve("into").toFile());
        assertMissingTargetFails(mojo);
        assertFalse(Files.exists(tmp.resolve("into")));
    }

    private void assertMissingTargetFails(AbstractTargetMojo mojo) throws Exception {
        Path typo = tmp.resolve("nas-typo");
        setVariableValueToObject(mojo, "target", typo.toString());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("target " + typo + " does not exist — check the path"), e.getMessage());
        assertFalse(Files.exists(typo), "a reading goal creates no target");
    }

    @Test
    @InjectMojo(goal = "backup")
    void aBackupStillCreatesAMissingTarget(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path target = tmp.resolve("new/nas");
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", target.toString());
        mojo.execute();
        // owui.format=auto at a new target: one format 3 backup (its head), no tree.
        assertEquals(1, Format3MojoTest.heads(target.resolve("open-webui")));
        assertEquals(0, new LocalTarget(target, target.toString(), false).backups("open-webui").size());
    }
}
