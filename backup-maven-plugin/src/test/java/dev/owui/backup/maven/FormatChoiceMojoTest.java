package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.getVariableValueFromObject;
import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.owui.backup.TestSupport;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui.format=auto, the default: format 3 at a new target or one that holds the repository,
 * format 2 (with one line saying so and how to move) at a target holding only format 1/2 trees;
 * explicit 2 or 3 win; cold backups and multi-target plans stay format 2 under auto for now.
 */
@MojoTest
class FormatChoiceMojoTest {
    /** The start of the line a target that keeps format 2 gets. */
    private static final String KEEPS_2 = "holds format 1/2 backups of instance 'test' and no format 3 repository";

    @TempDir
    Path tmp;

    private Fixture fixture;

    private Path data() throws Exception {
        if (fixture == null) {
            fixture = OpenWebUiFixture.at(tmp.resolve("data")).build();
        }
        return fixture.dataDir();
    }

    /** Runs a backup to {@code target} with owui.format as given (null: auto, the default); returns its report section and log. */
    private Run backup(BackupMojo mojo, String target, String format) throws Exception {
        Path report = tmp.resolve("reports/backup-" + System.nanoTime() + ".json");
        setVariableValueToObject(mojo, "dataDir", data().toFile());
        setVariableValueToObject(mojo, "target", target);
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "report", report.toString());
        // null: the goal's default as injected (auto), also after an earlier run of the same Mojo set another value
        setVariableValueToObject(mojo, "format", format == null ? "auto" : format);
        CommandLineMojoTest.Lines log = new CommandLineMojoTest.Lines();
        mojo.setLog(log);
        mojo.execute();
        return new Run(ReportSchema.validate(report).get("backup"), log.lines);
    }

    private record Run(JsonNode backup, List<String> lines) {
        int format() {
            return backup.has("format") ? backup.get("format").asInt() : 2;
        }

        long keeps2Lines() {
            return lines.stream().filter(l -> l.contains(KEEPS_2)).count();
        }
    }

    private static int trees(Path target) {
        return new LocalTarget(target, target.toString(), false).backups("test").size();
    }

    /** Backup ids differ by the second they start in. */
    private static void nextSecond() throws InterruptedException {
        Thread.sleep(1100);
    }

    @Test
    void theDefaultIsAutoAndANewTargetGetsFormat3(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        assertEquals("auto", getVariableValueFromObject(mojo, "format"), "the goal's default");
        Path nas = tmp.resolve("nas");
        Run r = backup(mojo, nas.toString(), null);
        assertEquals(3, r.format(), r.backup().toString());
        assertTrue(Files.exists(nas.resolve("test/repository.json")));
        assertEquals(1, Format3MojoTest.heads(nas.resolve("test")));
        assertEquals(0, trees(nas), "no tree");
        assertEquals(0, r.keeps2Lines(), r.lines().toString());
        // owui.compression=auto: a format 3 backup compresses (format 2 trees and snapshots do not).
        Repository repo = Repository.open(new LocalObjectStore(nas), "test");
        assertEquals("zstd", repo.backups().head(repo.backups().list().get(0)).storage().compression());

        // An instance folder that exists but holds nothing (a first run that stopped early) is new too.
        Files.createDirectories(tmp.resolve("empty/test"));
        assertEquals(3, backup(mojo, tmp.resolve("empty").toString(), null).format());
    }

    @Test
    void aTargetWithOnlyFormat2BackupsKeepsFormat2AndSaysHowToMove(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        Path nas = tmp.resolve("nas");
        TestSupport.backup(data(), TestSupport.target(nas));
        // Another instance's repository at the same target does not count: the choice is per instance.
        Files.createDirectories(nas.resolve("other"));
        Files.writeString(nas.resolve("other/repository.json"), "{}");
        nextSecond();
        Run r = backup(mojo, nas.toString(), null);
        assertEquals(2, r.format(), r.backup().toString());
        assertEquals(2, trees(nas));
        assertFalse(Files.exists(nas.resolve("test/repository.json")), "no repository created");
        assertEquals(1, r.keeps2Lines(), r.lines().toString());
        String line = r.lines().stream().filter(l -> l.contains(KEEPS_2)).findFirst().orElseThrow();
        assertTrue(line.startsWith("target " + nas + " holds"), line);
        assertTrue(line.contains("-Dowui.format=3 writes new backups beside the old ones"), line);
        assertTrue(line.contains("mvn owui:copy -Dowui.toFormat=3 -Dowui.from=" + nas + " -Dowui.to=<new target>"), line);
    }

    @Test
    void aTargetWithBothFormatsGetsFormat3(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        Path nas = tmp.resolve("nas");
        TestSupport.backup(data(), TestSupport.target(nas));
        nextSecond();
        assertEquals(3, backup(mojo, nas.toString(), "3").format(), "the operator moved this target");
        nextSecond();
        Run r = backup(mojo, nas.toString(), null);
        assertEquals(3, r.format(), r.backup().toString());
        assertEquals(2, Format3MojoTest.heads(nas.resolve("test")));
        assertEquals(1, trees(nas), "the old tree stays, no new one");
        assertEquals(0, r.keeps2Lines(), r.lines().toString());
    }

    @Test
    void explicitValuesWinOverWhatTheTargetHolds(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        Path fresh = tmp.resolve("fresh");
        Run two = backup(mojo, fresh.toString(), "2");
        assertEquals(2, two.format());
        assertEquals(1, trees(fresh));
        assertFalse(Files.exists(fresh.resolve("test/repository.json")));
        assertEquals(0, two.keeps2Lines(), "an explicit 2 needs no explanation: " + two.lines());

        Path old = tmp.resolve("old");
        TestSupport.backup(data(), TestSupport.target(old));
        nextSecond();
        Run three = backup(mojo, old.toString(), "3");
        assertEquals(3, three.format());
        assertTrue(Files.exists(old.resolve("test/repository.json")));
        assertEquals(1, Format3MojoTest.heads(old.resolve("test")));
        assertEquals(0, three.keeps2Lines(), three.lines().toString());

        // Explicit 2 at a target holding a repository writes a tree beside it; case and spaces do not matter.
        nextSecond();
        assertEquals(2, backup(mojo, old.toString(), " 2 ").format());
        assertEquals(2, trees(old));
        nextSecond();
        assertEquals(3, backup(mojo, tmp.resolve("upper").toString(), "AUTO").format());
    }

    @Test
    void aBadValueFailsNamingItAndTheChoicesBeforeAnyWork(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        for (String bad : List.of("two", "1", "2.0", "4")) {
            setVariableValueToObject(mojo, "dataDir", data().toFile());
            setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
            setVariableValueToObject(mojo, "format", bad);
            MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
            assertTrue(e.getMessage().startsWith("owui.format=" + bad + " is not a format this version writes — use auto (the default"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("3 (the incremental-forever repository") && e.getMessage().contains("2 (a complete tree per backup)"),
                    e.getMessage());
            assertFalse(Files.exists(tmp.resolve("nas")), "nothing written");
        }
    }

    /** A cold backup under auto is decided by its target like a hot one: format 3 at a new target, staged and imported. */
    @Test
    void aColdBackupUnderAutoIsFormat3AtANewTarget(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        Path nas = tmp.resolve("nas");
        setVariableValueToObject(mojo, "mode", "cold");
        setVariableValueToObject(mojo, "stopCommand", "true");
        setVariableValueToObject(mojo, "startCommand", "true");
        setVariableValueToObject(mojo, "stagingDir", tmp.resolve("staging").toFile());
        Run r = backup(mojo, nas.toString(), null);
        assertEquals(3, r.format());
        assertEquals(0, trees(nas));
        assertEquals(1, Format3MojoTest.heads(nas.resolve("test")));
    }

    /** A plan to several targets under auto: each target decided by what it holds, one capture for all. */
    @Test
    void aPlanToSeveralTargetsUnderAutoIsDecidedPerTargetAndCapturedOnce(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        TargetConfig a = MojoConfigs.target("a", tmp.resolve("a").toString());
        TargetConfig b = MojoConfigs.target("b", tmp.resolve("b").toString());
        PlanConfig daily = MojoConfigs.plan("daily", "a", "b");
        setVariableValueToObject(mojo, "targets", List.of(a, b));
        setVariableValueToObject(mojo, "plans", List.of(daily));
        setVariableValueToObject(mojo, "plan", "daily");
        setVariableValueToObject(mojo, "stagingDir", tmp.resolve("staging").toFile());
        // a holds format 2 trees of the instance already: it keeps format 2; b is new: format 3.
        setVariableValueToObject(mojo, "plan", null);
        backup(mojo, tmp.resolve("a").toString(), "2");
        setVariableValueToObject(mojo, "plan", "daily");
        nextSecond();
        Run r = backup(mojo, null, null);
        assertEquals(2, trees(tmp.resolve("a")), "a stays format 2");
        assertEquals(1, Format3MojoTest.heads(tmp.resolve("b/test")), "b is new: format 3");
        assertEquals(0, trees(tmp.resolve("b")));
        String id = new LocalTarget(tmp.resolve("a"), "a", false).backups("test").get(1);
        Repository repo = Repository.open(new LocalObjectStore(tmp.resolve("b")), "test");
        assertEquals(List.of(id), repo.backups().list(), "one capture, the same id at both");
        assertEquals(1, r.keeps2Lines(), r.lines().toString());
    }

    /** A plan to one target is decided per target like owui.target, also when a copy plan copies from that target. */
    @Test
    void aOneTargetPlanIsDecidedByItsTargetAlsoWhenACopyPlanReadsIt(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        TargetConfig cloud = MojoConfigs.target("cloud", tmp.resolve("cloud").toString());
        TargetConfig nas = MojoConfigs.target("nas", tmp.resolve("nas").toString());
        PlanConfig daily = MojoConfigs.plan("daily", "nas");
        setVariableValueToObject(mojo, "targets", List.of(cloud, nas));
        setVariableValueToObject(mojo, "plans", List.of(daily));
        setVariableValueToObject(mojo, "plan", "daily");
        assertEquals(3, backup(mojo, null, null).format(), "a new target");
        assertEquals(1, Format3MojoTest.heads(tmp.resolve("nas/test")));

        daily.targets = List.of("cloud");
        PlanConfig weekly = MojoConfigs.plan("weekly", "nas");
        weekly.copyFrom = "cloud";
        setVariableValueToObject(mojo, "plans", List.of(daily, weekly));
        Run r = backup(mojo, null, null);
        assertEquals(3, r.format(), "owui:copy copies format 3 backups: a copy source is format 3 too");
        assertEquals(0, trees(tmp.resolve("cloud")));
        assertEquals(1, Format3MojoTest.heads(tmp.resolve("cloud/test")));
    }

    @Test
    void onS3TheSameRules(@InjectMojo(goal = "backup") BackupMojo mojo) throws Exception {
        try (S3Server s3 = S3Server.start(tmp.resolve("s3"))) {
            Server server = new Server();
            server.setId(S3Server.SERVER_ID);
            server.setUsername(S3Server.ACCESS_KEY);
            server.setPassword(S3Server.SECRET_KEY);
            Settings settings = new Settings();
            settings.addServer(server);
            setVariableValueToObject(mojo, "settings", settings);
            setVariableValueToObject(mojo, "serverId", S3Server.SERVER_ID);
            setVariableValueToObject(mojo, "s3Endpoint", s3.endpoint());

            assertEquals(3, backup(mojo, "s3://backups/fresh", null).format(), "a new prefix");

            assertEquals(2, backup(mojo, "s3://backups/old", "2").format());
            nextSecond();
            Run r = backup(mojo, "s3://backups/old", null);
            assertEquals(2, r.format(), "only trees under the prefix");
            assertEquals(1, r.keeps2Lines(), r.lines().toString());
            nextSecond();
            assertEquals(3, backup(mojo, "s3://backups/old", "3").format());
            nextSecond();
            r = backup(mojo, "s3://backups/old", null);
            assertEquals(3, r.format(), "trees and a repository");
            assertEquals(0, r.keeps2Lines(), r.lines().toString());
        }
    }
}
