package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.ReportSchema;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.testkit.RecordingWebhook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:backup with owui.format=3 in cold and paused mode as Maven runs it: the instance is
 * stopped (or frozen) for one capture into the staging directory, started again, and the staged
 * capture is imported into the repository. Shell commands stand in for docker compose stop/start
 * and docker pause/unpause (no Docker engine runs here); the webhook is the JDK's HTTP server.
 */
@MojoTest
class Format3StagedMojoTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final RecordingWebhook hook = new RecordingWebhook();
    private final List<String> received = hook.received();

    @Test
    @InjectMojo(goal = "backup")
    void aColdFormat3BackupStopsCapturesOnceStartsAndRestoresTheStoppedData(BackupMojo mojo) throws Exception {
        quiescedBackup(mojo, "cold");
    }

    @Test
    @InjectMojo(goal = "backup")
    void aPausedFormat3BackupFreezesCapturesOnceUnfreezesAndRestoresTheFrozenData(BackupMojo mojo) throws Exception {
        quiescedBackup(mojo, "paused");
    }

    private void quiescedBackup(BackupMojo mojo, String mode) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path order = tmp.resolve("order.txt");
        Path report = tmp.resolve("report.json");
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "stagingDir", tmp.resolve("staging").toFile());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "format", "3");
        setVariableValueToObject(mojo, "mode", mode);
        // The stand-in stop takes a measurable moment, as docker compose stop does.
        setVariableValueToObject(mojo, "stopCommand", "sleep 0.3 && echo stop >> " + order);
        setVariableValueToObject(mojo, "startCommand", "echo start >> " + order);
        setVariableValueToObject(mojo, "commandTimeout", 30);
        setVariableValueToObject(mojo, "notifyWhen", "always");
        setVariableValueToObject(mojo, "notifyWebhook", hook.url());
        setVariableValueToObject(mojo, "report", report.toString());
        mojo.execute();

        assertEquals(List.of("stop", "start"), Files.readAllLines(order), "stopped once, started again");
        JsonNode b = ReportSchema.validate(report).get("backup");
        assertEquals(3, b.get("format").asInt(), b.toString());
        assertEquals(mode, b.get("mode").asText());
        assertTrue(b.get("staged").asBoolean());
        assertTrue(b.get("downtimeMs").asLong() >= 300, "the downtime is measured: " + b.get("downtimeMs"));
        assertTrue(b.get("databases").size() >= 2, b.toString());
        String id = b.get("backupId").asText();
        JsonNode t = b.get("targets").get(0);
        assertEquals("success", t.get("result").asText());
        assertEquals(id, t.get("backupId").asText());
        assertEquals(3, t.get("format").asInt());
        assertTrue(t.get("bytesSent").asLong() > 0, t.toString());

        assertEquals(List.of(id), new LocalTarget(tmp.resolve("staging"), "s", false).backups("test"), "captured once, into staging");
        assertEquals(List.of(), new LocalTarget(tmp.resolve("nas"), "n", false).backups("test"), "no tree at the target");
        Repository repo = Repository.open(new LocalObjectStore(tmp.resolve("nas")), "test", tmp.resolve("scratch"), EngineLog.SILENT);
        assertEquals(List.of(id), repo.backups().list());
        assertEquals(mode, repo.backups().head(id).mode());

        // The instance was stopped (frozen) and the databases copied as files: a restore is the data, byte for byte.
        Path restored = tmp.resolve("restored");
        new RepoRestore(repo).run(new RepoRestore.Options(id, restored, DecryptionKeys.none(), null));
        Map<String, Path> source = files(f.dataDir());
        source.keySet().removeIf(p -> !FileSelector.defaults().selects(p));
        Map<String, Path> got = files(restored);
        assertEquals(source.keySet(), got.keySet());
        for (String p : source.keySet()) {
            assertEquals(-1L, Files.mismatch(source.get(p), got.get(p)), p);
        }

        assertEquals(1, received.size());
        String json = received.get(0);
        assertTrue(json.contains("\"status\":\"success\"") && json.contains("\"mode\":\"" + mode + "\"") && json.contains("\"downtimeMs\":")
                && json.contains(id), json);
    }

    private static Map<String, Path> files(Path root) throws Exception {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> w = Files.walk(root)) {
            w.filter(Files::isRegularFile).forEach(p -> out.put(root.relativize(p).toString(), p));
        }
        return out;
    }
}
