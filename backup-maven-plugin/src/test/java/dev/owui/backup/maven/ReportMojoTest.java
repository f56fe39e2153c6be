package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.owui.backup.TestSupport;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui.report on every goal as Maven runs it: each goal's real report validates against the
 * published schema (REPORT.md), a failing goal still writes one (result failure, the error, what
 * it got to), and owui.report=- puts the document alone on standard output.
 */
@MojoTest
class ReportMojoTest {
    @TempDir
    Path tmp;

    private Fixture fixture;

    /** Two backups of a generated instance at tmp/nas, a day of use apart; returns their ids, oldest first. */
    private List<String> twoBackups() throws Exception {
        fixture = OpenWebUiFixture.at(tmp.resolve("data")).build();
        LocalTarget target = TestSupport.target(tmp.resolve("nas"));
        TestSupport.backup(fixture.dataDir(), target);
        Mutator.change(fixture.dataDir(), 5, 3);
        TestSupport.backup(fixture.dataDir(), target);
        return target.backups("test");
    }

    private Path report(AbstractOwuiMojo mojo, String name) throws Exception {
        Path file = tmp.resolve("reports").resolve(name);
        setVariableValueToObject(mojo, "report", file.toString());
        setVariableValueToObject(mojo, "instance", "test");
        return file;
    }

    @Test
    @InjectMojo(goal = "backup")
    void backupReportsIdSizesPhasesWarningsAndEachTargetAndReplacesAnOldReport(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        Path file = report(mojo, "backup.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "an older report");
        // Pinned to format 2: this is the tree backup's report (Format3MojoTest checks format 3's against the same schema).
        setVariableValueToObject(mojo, "format", "2");
        mojo.execute();

        JsonNode doc = ReportSchema.validate(file);
        String id = TestSupport.target(tmp.resolve("nas")).backups("test").get(0);
        assertEquals("backup", doc.get("goal").asText());
        assertEquals("success", doc.get("result").asText());
        assertFalse(doc.has("error"));
        JsonNode b = doc.get("backup");
        assertEquals(id, b.get("backupId").asText());
        assertEquals("hot", b.get("mode").asText());
        assertTrue(b.get("files").asLong() > 0 && b.get("bytesTotal").asLong() > 0 && b.get("bytesWritten").asLong() > 0, b.toString());
        assertTrue(b.get("phasesMs").size() > 0 && b.get("warnings").isArray(), b.toString());
        assertEquals("success", b.get("targets").get(0).get("result").asText());
        assertEquals(tmp.resolve("nas").toString(), b.get("targets").get(0).get("url").asText());
        try (var s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList(), "no temporary file left beside the report");
        }
    }

    @Test
    @InjectMojo(goal = "backup")
    void aFailedBackupReportsTheFailureAndItsTargetWithoutABackupId(BackupMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "dataDir", tmp.resolve("no-such-data").toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        Path file = report(mojo, "backup.json");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        JsonNode doc = ReportSchema.validate(file);
        assertEquals("failure", doc.get("result").asText());
        assertTrue(e.getMessage().startsWith(doc.get("error").get("message").asText()), doc + " vs " + e.getMessage());
        JsonNode b = doc.get("backup");
        assertFalse(b.has("backupId"), "no backup was made: " + b);
        assertEquals("test", b.get("instance").asText());
        assertEquals(tmp.resolve("nas").toString(), b.get("targets").get(0).get("url").asText());
    }

    @Test
    @InjectMojo(goal = "snapshot")
    void snapshotReportsTheSnapshotAndWhatItRemoved(SnapshotMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "format", "2"); // a format 2 snapshot's report (Format3SnapshotMojoTest checks a format 3 one's)
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "snapshotDir", tmp.resolve("snapshots").toString());
        Path file = report(mojo, "snapshot.json");
        mojo.execute();
        JsonNode s = ReportSchema.validate(file).get("snapshot");
        assertEquals(TestSupport.target(tmp.resolve("snapshots")).backups("test").get(0), s.get("backupId").asText());
        assertTrue(s.get("removed").isArray());
    }

    @Test
    @InjectMojo(goal = "list")
    void listReportsEveryBackupPerTarget(ListMojo mojo) throws Exception {
        List<String> ids = twoBackups();
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        JsonNode t = ReportSchema.validate(run(mojo, "list.json")).get("list").get("targets").get(0);
        assertEquals("success", t.get("result").asText());
        assertEquals(ids.get(1), t.get("backups").get(0).get("backupId").asText(), "newest first");
        assertEquals(2, t.get("backups").size());

        // A manifest that cannot be read is listed as such, not skipped.
        Files.writeString(TestSupport.target(tmp.resolve("nas")).localFile("test", ids.get(0), "manifest.json"), "{broken");
        mojo.execute();
        JsonNode older = ReportSchema.validate(tmp.resolve("reports/list.json")).get("list").get("targets").get(0).get("backups").get(1);
        assertEquals(ids.get(0), older.get("backupId").asText());
        assertTrue(older.has("unreadable") && !older.has("files"), older.toString());
    }

    private Path run(AbstractOwuiMojo mojo, String name) throws Exception {
        Path file = report(mojo, name);
        mojo.execute();
        return file;
    }

    @Test
    @InjectMojo(goal = "verify")
    void verifyReportsEachBackupWhole(VerifyMojo mojo) throws Exception {
        List<String> ids = twoBackups();
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "backupId", "all");
        JsonNode backups = ReportSchema.validate(run(mojo, "verify.json")).get("verify").get("targets").get(0).get("backups");
        assertEquals(2, backups.size());
        for (JsonNode b : backups) {
            assertTrue(ids.contains(b.get("backupId").asText()));
            assertEquals("whole", b.get("result").asText());
        }
    }

    @Test
    @InjectMojo(goal = "verify")
    void aDamagedBackupFailsVerifyAndItsReportNamesTheDamagedFile(VerifyMojo mojo) throws Exception {
        List<String> ids = twoBackups();
        LocalTarget target = TestSupport.target(tmp.resolve("nas"));
        String upload = fixture.uploads().get(0);
        Path stored = target.localFile("test", ids.get(1), upload);
        // Break the link to the older backup's copy first: only the newest backup is damaged.
        byte[] content = Files.readAllBytes(stored);
        Files.delete(stored);
        Files.write(stored, content);
        Files.write(stored, "tampered".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        Path file = report(mojo, "verify.json");
        assertThrows(MojoFailureException.class, mojo::execute);

        JsonNode doc = ReportSchema.validate(file);
        assertEquals("failure", doc.get("result").asText());
        assertTrue(doc.get("error").get("message").asText().contains("damaged"), doc.toString());
        assertTrue(doc.get("error").has("advice"));
        JsonNode t = doc.get("verify").get("targets").get(0);
        assertEquals("failure", t.get("result").asText());
        JsonNode b = t.get("backups").get(0);
        assertEquals(ids.get(1), b.get("backupId").asText());
        assertEquals("damaged", b.get("result").asText());
        assertEquals(upload, b.get("damagedFiles").get(0).get("path").asText(), b.toString());
    }

    @Test
    @InjectMojo(goal = "list")
    void aMissingTargetFailsAndTheReportSaysWhyAndWhere(ListMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "target", tmp.resolve("unmounted").toString());
        Path file = report(mojo, "list.json");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        JsonNode doc = ReportSchema.validate(file);
        assertEquals("failure", doc.get("result").asText());
        assertTrue(e.getMessage().startsWith(doc.get("error").get("message").asText()), doc + " vs " + e.getMessage());
        JsonNode t = doc.get("list").get("targets").get(0);
        assertEquals("failure", t.get("result").asText());
        assertTrue(t.get("error").get("message").asText().contains("does not exist"), t.toString());
    }

    @Test
    @InjectMojo(goal = "list")
    void aPlanReportsEachTargetOneFailingTheOtherListed(ListMojo mojo) throws Exception {
        twoBackups();
        TargetConfig nas = MojoConfigs.target("nas", tmp.resolve("nas").toString());
        TargetConfig gone = MojoConfigs.target("gone", tmp.resolve("gone").toString());
        PlanConfig daily = MojoConfigs.plan("daily", "gone", "nas");
        setVariableValueToObject(mojo, "targets", List.of(nas, gone));
        setVariableValueToObject(mojo, "plans", List.of(daily));
        setVariableValueToObject(mojo, "plan", "daily");
        Path file = report(mojo, "list.json");
        assertThrows(MojoFailureException.class, mojo::execute);
        JsonNode targets = ReportSchema.validate(file).get("list").get("targets");
        assertEquals(2, targets.size());
        assertEquals("gone", targets.get(0).get("id").asText());
        assertEquals("failure", targets.get(0).get("result").asText());
        assertEquals("nas", targets.get(1).get("id").asText());
        assertEquals("success", targets.get(1).get("result").asText());
        assertEquals(2, targets.get(1).get("backups").size());
    }

    @Test
    @InjectMojo(goal = "list")
    void withADashTheReportIsTheOnlyThingOnStandardOutputAndNoFileIsWritten(ListMojo mojo) throws Exception {
        twoBackups();
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "report", "-");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        mojo.reportStdout = stdout;
        mojo.execute();
        String out = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("{") && out.endsWith("}\n"), out);
        assertEquals(2, ReportSchema.validate(out).get("list").get("targets").get(0).get("backups").size());
        assertFalse(Files.exists(tmp.resolve("-")));
    }

    @Test
    @InjectMojo(goal = "list")
    void aReportThatCannotBeWrittenFailsTheRunNamingIt(ListMojo mojo) throws Exception {
        twoBackups();
        Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "report", notADirectory.resolve("list.json").toString());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("cannot write the report " + notADirectory.resolve("list.json")), e.getMessage());
    }

    @Test
    @InjectMojo(goal = "list")
    void aSkippedGoalReportsSkipped(ListMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "skip", true);
        assertEquals("skipped", ReportSchema.validate(run(mojo, "list.json")).get("result").asText());
    }

    @Test
    @InjectMojo(goal = "prune")
    void pruneReportsKeptAndRemovedAndWhy(PruneMojo mojo) throws Exception {
        List<String> ids = twoBackups();
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "keepLast", 1);
        JsonNode t = ReportSchema.validate(run(mojo, "prune.json")).get("prune").get("targets").get(0);
        assertEquals(1, t.get("kept").asInt());
        assertEquals(1, t.get("removed").asInt());
        JsonNode newest = t.get("backups").get(0);
        assertEquals(ids.get(1), newest.get("backupId").asText());
        assertEquals("keep", newest.get("action").asText());
        assertTrue(newest.get("reasons").size() > 0);
        assertEquals("remove", t.get("backups").get(1).get("action").asText());
    }

    @Test
    @InjectMojo(goal = "diff")
    void diffReportsTheComparison(DiffMojo mojo) throws Exception {
        List<String> ids = twoBackups();
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        JsonNode d = ReportSchema.validate(run(mojo, "diff.json")).get("diff").get("targets").get(0).get("diff");
        assertEquals(ids.get(0), d.get("oldId").asText());
        assertEquals(ids.get(1), d.get("newId").asText());
        assertTrue(d.get("files").get("changed").asLong() > 0, d.toString());
    }

    @Test
    @InjectMojo(goal = "copy")
    void copyReportsEachDestinationAndBackup(CopyMojo mojo) throws Exception {
        List<String> ids = twoBackups();
        setVariableValueToObject(mojo, "from", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "to", tmp.resolve("offsite").toString());
        JsonNode c = ReportSchema.validate(run(mojo, "copy.json")).get("copy");
        JsonNode dest = c.get("destinations").get(0);
        assertEquals("success", dest.get("result").asText());
        assertEquals(ids, List.of(dest.get("backups").get(0).get("backupId").asText(), dest.get("backups").get(1).get("backupId").asText()));
        assertEquals("copied", dest.get("backups").get(0).get("action").asText());
        assertTrue(c.get("bytesSent").asLong() > 0);
    }

    @Test
    @InjectMojo(goal = "restore")
    void restoreReportsWhatItRestoredAndWhere(RestoreMojo mojo) throws Exception {
        List<String> ids = twoBackups();
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "dataDir", tmp.resolve("restored").toFile());
        JsonNode r = ReportSchema.validate(run(mojo, "restore.json")).get("restore");
        assertEquals(ids.get(1), r.get("backupId").asText());
        assertEquals("whole", r.get("scope").asText());
        assertEquals(tmp.resolve("restored").toString(), r.get("into").asText());
        assertTrue(r.get("files").asLong() > 0);
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void exportChatsReportsTheChatsWritten(ExportChatsMojo mojo) throws Exception {
        List<String> ids = twoBackups();
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "since", "2000-01-01");
        setVariableValueToObject(mojo, "output", tmp.resolve("chats.json").toString());
        setVariableValueToObject(mojo, "timeZone", "UTC");
        JsonNode e = ReportSchema.validate(run(mojo, "export.json")).get("exportChats");
        assertEquals(ids.get(1), e.get("backupId").asText());
        assertTrue(e.get("chatIds").size() > 0, e.toString());
        assertEquals(tmp.resolve("chats.json").toString(), e.get("output").asText());
    }

    @Test
    @InjectMojo(goal = "export-chats")
    void chatsAndReportCannotBothGoToStandardOutput(ExportChatsMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "output", "-");
        setVariableValueToObject(mojo, "report", "-");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        mojo.reportStdout = stdout;
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("both write to standard output"), e.getMessage());
        assertEquals("failure", ReportSchema.validate(stdout.toString(StandardCharsets.UTF_8)).get("result").asText());
    }
}
