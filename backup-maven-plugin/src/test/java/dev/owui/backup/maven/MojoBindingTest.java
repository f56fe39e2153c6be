package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.getVariableValueFromObject;
import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mojos as Maven configures them: pom configuration, defaults, skip, and how failures surface. */
@MojoTest
class MojoBindingTest {
    private static final String POM = "src/test/projects/backup/pom.xml";

    @TempDir
    Path tmp;

    @Test
    @InjectMojo(goal = "backup", pom = POM)
    void pomConfigurationBindsToTheBackupGoalAndRuns(BackupMojo mojo) throws Exception {
        File dataDir = getVariableValueFromObject(mojo, "dataDir");
        assertTrue(dataDir.isAbsolute() && dataDir.getName().equals("data"), "Maven resolves a relative File against the project: " + dataDir);
        assertEquals("/srv/backups/owui", getVariableValueFromObject(mojo, "target"));
        assertEquals("prod", getVariableValueFromObject(mojo, "instance"));
        assertEquals(Integer.valueOf(2), getVariableValueFromObject(mojo, "threads"));
        assertEquals(Boolean.FALSE, getVariableValueFromObject(mojo, "sync"));
        assertEquals(List.of("cache", "uploads/**.tmp"), getVariableValueFromObject(mojo, "excludes"));
        assertEquals(new File("/opt/open-webui/.webui_secret_key"), getVariableValueFromObject(mojo, "secretKeyFile"));
        assertEquals(Boolean.FALSE, getVariableValueFromObject(mojo, "skip"));

        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Files.writeString(f.dataDir().resolve("uploads/part.tmp"), "half an upload");
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "secretKeyFile", null);
        // Pinned to format 2: the excludes are checked by looking into the backup's tree, which format 3 does not write.
        setVariableValueToObject(mojo, "format", "2");
        mojo.execute();
        try (var s = Files.list(tmp.resolve("nas/prod"))) {
            Path backup = s.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
            assertTrue(Files.exists(backup.resolve("manifest.json")));
            assertTrue(Files.exists(backup.resolve("uploads/" + f.orphanFiles().get(0).substring("uploads/".length()))));
            assertFalse(Files.exists(backup.resolve("uploads/part.tmp")), "the pom's exclude applies");
            assertFalse(Files.exists(backup.resolve("cache")));
        }
    }

    @Test
    @InjectMojo(goal = "backup")
    @MojoParameter(name = "skip", value = "true")
    void skipDoesNothingEvenWithoutConfiguration(BackupMojo mojo) throws Exception {
        // No data directory (a run would stop on that), but a target a run would create.
        Path nas = tmp.resolve("nas");
        setVariableValueToObject(mojo, "target", nas.toString());
        CommandLineMojoTest.Lines log = new CommandLineMojoTest.Lines();
        mojo.setLog(log);

        mojo.execute();

        assertEquals(List.of("owui.backup skipped (owui.skip=true)"), log.lines, "one line says why nothing happened");
        assertFalse(Files.exists(nas), "no target created");
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "nothing written");
        }
    }

    @Test
    @InjectMojo(goal = "backup")
    @MojoParameter(name = "target", value = "backups")
    void aMissingDataDirIsABuildFailureWithTheRemedy(BackupMojo mojo) {
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("no data directory given — set owui.dataDir"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "restore")
    void restoreDefaultsToTheNewestBackupAndNoForce(RestoreMojo mojo) throws Exception {
        assertEquals((Object) null, getVariableValueFromObject(mojo, "backupId"));
        assertEquals(Boolean.FALSE, getVariableValueFromObject(mojo, "force"));
        assertEquals("open-webui", getVariableValueFromObject(mojo, "instance"));
        Files.createDirectories(tmp.resolve("empty-target")); // an existing but empty target (a missing one is an error of its own)
        setVariableValueToObject(mojo, "target", tmp.resolve("empty-target").toString());
        setVariableValueToObject(mojo, "dataDir", tmp.resolve("into").toFile());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("no backups of instance 'open-webui'"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "verify")
    void verifyFailsTheBuildOnADamagedBackup(VerifyMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        dev.owui.backup.store.LocalTarget target = dev.owui.backup.TestSupport.target(tmp.resolve("b"));
        var m = new dev.owui.backup.capture.BackupRunner(new dev.owui.backup.TestSupport.RecordingLog())
                .run(new dev.owui.backup.capture.BackupOptions(f.dataDir(), target, "open-webui", null, null, 1)).manifest();
        Files.delete(target.localFile("open-webui", m.backupId(), f.uploads().get(0)));
        setVariableValueToObject(mojo, "target", tmp.resolve("b").toString());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("1 of 1 backup(s) damaged"), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void exportChatsBindsItsParametersAndWritesTheChosenChat(ExportChatsMojo mojo) throws Exception {
        assertEquals((Object) null, getVariableValueFromObject(mojo, "backupId"));
        assertEquals(Boolean.FALSE, getVariableValueFromObject(mojo, "force"));
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).users(2).chatsPerUser(2).build();
        dev.owui.backup.store.LocalTarget target = dev.owui.backup.TestSupport.target(tmp.resolve("b"));
        new dev.owui.backup.capture.BackupRunner(new dev.owui.backup.TestSupport.RecordingLog())
                .run(new dev.owui.backup.capture.BackupOptions(f.dataDir(), target, "open-webui", null, null, 1));
        String id;
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:file:" + f.webuiDb() + "?immutable=1");
             var r = c.createStatement().executeQuery("SELECT id FROM chat ORDER BY id LIMIT 1")) {
            r.next();
            id = r.getString(1);
        }
        setVariableValueToObject(mojo, "target", tmp.resolve("b").toString());
        setVariableValueToObject(mojo, "chats", List.of(id));
        setVariableValueToObject(mojo, "output", tmp.resolve("chat.json").toString());
        mojo.execute();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("chat.json").toFile());
        assertEquals(1, json.size());
        assertEquals(id, json.get(0).get("id").asText());

        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("exists"), "a second run does not overwrite: " + e.getMessage());
    }

    @Test
    @InjectMojo(goal = "restore")
    void restoreWithPathsNeedsAnOutputDirectory(RestoreMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        dev.owui.backup.store.LocalTarget target = dev.owui.backup.TestSupport.target(tmp.resolve("b"));
        new dev.owui.backup.capture.BackupRunner(new dev.owui.backup.TestSupport.RecordingLog())
                .run(new dev.owui.backup.capture.BackupOptions(f.dataDir(), target, "open-webui", null, null, 1));
        setVariableValueToObject(mojo, "target", tmp.resolve("b").toString());
        setVariableValueToObject(mojo, "paths", List.of(f.uploads().get(0)));
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("needs an output directory"), e.getMessage());
        setVariableValueToObject(mojo, "output", tmp.resolve("one").toFile());
        mojo.execute();
        assertTrue(Files.exists(tmp.resolve("one").resolve(f.uploads().get(0))));
        assertFalse(Files.exists(tmp.resolve("one/webui.db")), "only the chosen path");
    }

    @Test
    @InjectMojo(goal = "list")
    void anUnsupportedTargetSchemeIsNamed(ListMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "target", "gopher://nas/backups");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("gopher"), e.getMessage());
    }
}
