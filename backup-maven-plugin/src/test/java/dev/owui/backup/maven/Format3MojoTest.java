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
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui.format=3 as Maven runs it: owui:backup writes the instance's repository, owui:list shows its
 * backups beside format 2 trees, owui:prune applies one retention over both formats.
 */
@MojoTest
class Format3MojoTest {
    @TempDir
    Path tmp;

    private Fixture fixture;

    private Path data() throws Exception {
        if (fixture == null) {
            fixture = OpenWebUiFixture.at(tmp.resolve("data")).build();
        }
        return fixture.dataDir();
    }

    /** A format 3 backup to {@code target}; returns the report's backup section. */
    private JsonNode backup3(BackupMojo mojo, String target) throws Exception {
        Path report = tmp.resolve("reports/backup-" + System.nanoTime() + ".json");
        setVariableValueToObject(mojo, "dataDir", data().toFile());
        setVariableValueToObject(mojo, "target", target);
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "format", "3");
        setVariableValueToObject(mojo, "report", report.toString());
        mojo.execute();
        return ReportSchema.validate(report).get("backup");
    }

    private JsonNode list(ListMojo mojo, String target) throws Exception {
        Path report = tmp.resolve("reports/list-" + System.nanoTime() + ".json");
        setVariableValueToObject(mojo, "target", target);
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "report", report.toString());
        mojo.execute();
        return ReportSchema.validate(report).get("list").get("targets").get(0);
    }

    /** Backup ids differ by the second they start in; a format 2 and a format 3 backup must not share one. */
    private static void nextSecond() throws InterruptedException {
        Thread.sleep(1100);
    }

    /** The format 3 backups (heads) of an instance folder at a local (or loopback SFTP) target; 0 when it has none. */
    static int heads(Path instanceDir) throws Exception {
        Path backups = instanceDir.resolve("backups");
        if (!Files.isDirectory(backups)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(backups)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static List<String> objects(Path repo) throws Exception {
        try (Stream<Path> s = Files.walk(repo.resolve("objects"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.length() == 64).toList();
        }
    }

    @Test
    void aSecondBackupWritesFarLessAndItsHeadIsInTheRepository(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        String nas = tmp.resolve("nas").toString();
        JsonNode first = backup3(mojo, nas);
        assertEquals(3, first.get("format").asInt());
        assertTrue(Files.exists(tmp.resolve("nas/test/backups/" + first.get("backupId").asText() + ".json")));
        assertTrue(Files.exists(tmp.resolve("nas/test/repository.json")));
        JsonNode dbs = first.get("databases");
        assertTrue(dbs.size() >= 1 && dbs.get(0).get("decision").asText().equals("IMAGE"), first.toString());

        Mutator.change(data(), 2, 7);
        nextSecond();
        JsonNode second = backup3(mojo, nas);
        assertTrue(Files.exists(tmp.resolve("nas/test/backups/" + second.get("backupId").asText() + ".json")));
        long w1 = first.get("bytesWritten").asLong();
        long w2 = second.get("bytesWritten").asLong();
        assertTrue(w2 * 5 < w1, "the second backup writes far less: " + w2 + " vs " + w1);
        assertTrue(second.get("bytesShared").asLong() > 0, second.toString());
        boolean appended = false;
        for (JsonNode d : second.get("databases")) {
            appended |= !d.get("decision").asText().equals("IMAGE");
        }
        assertTrue(appended, "a changed database is stored as its changed pages, not a new image: " + second.get("databases"));
        JsonNode target = second.get("targets").get(0);
        assertEquals("success", target.get("result").asText());
        assertEquals(second.get("backupId").asText(), target.get("backupId").asText());
        assertEquals(w2, target.get("bytesSent").asLong());
    }

    @Test
    void listShowsBothFormatsNewestFirstAndAFormat3OnlyTargetIsNotEmpty(@InjectMojo(goal = "backup") BackupMojo backup,
                                                                         @InjectMojo(goal = "list") ListMojo list) throws Exception {
        String only3 = tmp.resolve("only3").toString();
        backup3(backup, only3);
        JsonNode t = list(list, only3);
        assertEquals(1, t.get("backups").size(), t.toString());
        assertEquals(3, t.get("backups").get(0).get("format").asInt());

        // A format 2 target: listing it leaves no repository behind.
        LocalTarget mixed = TestSupport.target(tmp.resolve("mixed"));
        String tree = TestSupport.backup(data(), mixed).manifest().backupId();
        list(list, tmp.resolve("mixed").toString());
        assertFalse(Files.exists(tmp.resolve("mixed/test/repository.json")), "list never creates a repository");

        nextSecond();
        String head = backup3(backup, tmp.resolve("mixed").toString()).get("backupId").asText();
        JsonNode both = list(list, tmp.resolve("mixed").toString()).get("backups");
        assertEquals(2, both.size(), both.toString());
        assertEquals(head, both.get(0).get("backupId").asText(), "newest first");
        assertEquals(3, both.get(0).get("format").asInt());
        assertEquals(tree, both.get(1).get("backupId").asText());
        assertEquals(1, both.get(1).get("format").asInt(), "a plain tree is format 1 (FORMAT.md)");
    }

    @Test
    void pruneKeepsTheNewestOverBothFormatsAndFreesObjects(@InjectMojo(goal = "backup") BackupMojo backup,
                                                           @InjectMojo(goal = "prune") PruneMojo prune) throws Exception {
        LocalTarget nas = TestSupport.target(tmp.resolve("nas"));
        String tree = TestSupport.backup(data(), nas).manifest().backupId();
        nextSecond();
        String older = backup3(backup, tmp.resolve("nas").toString()).get("backupId").asText();
        // A file gone since: its object is named by the older backup only.
        Files.delete(data().resolve(fixture.uploads().get(0)));
        Mutator.change(data(), 2, 9);
        nextSecond();
        String newest = backup3(backup, tmp.resolve("nas").toString()).get("backupId").asText();
        List<String> before = objects(tmp.resolve("nas/test"));

        Path report = tmp.resolve("reports/prune.json");
        setVariableValueToObject(prune, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(prune, "instance", "test");
        setVariableValueToObject(prune, "keepLast", 1);
        setVariableValueToObject(prune, "report", report.toString());
        prune.execute();

        assertEquals(List.of(), nas.backups("test"), "the format 2 tree " + tree + " is removed");
        try (Stream<Path> heads = Files.list(tmp.resolve("nas/test/backups"))) {
            assertEquals(List.of(newest + ".json"), heads.map(p -> p.getFileName().toString()).toList(), "only the newest head remains, not " + older);
        }
        List<String> after = objects(tmp.resolve("nas/test"));
        assertTrue(after.size() < before.size(), after.size() + " objects of " + before.size());
        JsonNode t = ReportSchema.validate(report).get("prune").get("targets").get(0);
        assertEquals(2, t.get("removed").asInt(), t.toString());
        assertTrue(t.get("bytesFreed").asLong() > 0, t.toString());
    }

    @Test
    void theS3RoundTwoBackupsThenList(@InjectMojo(goal = "backup") BackupMojo backup, @InjectMojo(goal = "list") ListMojo list) throws Exception {
        try (S3Server s3 = S3Server.start(tmp.resolve("s3"))) {
            for (Object mojo : List.of(backup, list)) {
                Server server = new Server();
                server.setId(S3Server.SERVER_ID);
                server.setUsername(S3Server.ACCESS_KEY);
                server.setPassword(S3Server.SECRET_KEY);
                Settings settings = new Settings();
                settings.addServer(server);
                setVariableValueToObject(mojo, "settings", settings);
                setVariableValueToObject(mojo, "serverId", S3Server.SERVER_ID);
                setVariableValueToObject(mojo, "s3Endpoint", s3.endpoint());
            }
            String url = "s3://backups/owui";
            JsonNode first = backup3(backup, url);
            Mutator.change(data(), 2, 11);
            nextSecond();
            JsonNode second = backup3(backup, url);
            assertTrue(second.get("bytesWritten").asLong() * 3 < first.get("bytesWritten").asLong(), first + " then " + second);
            JsonNode backups = list(list, url).get("backups");
            List<String> ids = new ArrayList<>();
            backups.forEach(b -> ids.add(b.get("backupId").asText()));
            assertEquals(List.of(second.get("backupId").asText(), first.get("backupId").asText()), ids);
        }
    }

    @Test
    void anUnknownFormatFailsBeforeAnyWork(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "dataDir", data().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "format", "4");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("owui.format=4") && e.getMessage().contains("use auto (the default")
                && e.getMessage().contains(", 3 (") && e.getMessage().contains(" or 2 ("), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("nas")), "nothing written");
    }
}
