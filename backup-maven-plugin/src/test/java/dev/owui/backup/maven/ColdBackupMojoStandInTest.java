package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.testkit.RecordingWebhook;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * owui:backup in cold mode as Maven runs it, with shell commands standing in for
 * {@code docker compose stop/start} (no Docker engine runs here), and its reports received by the
 * JDK's HTTP server as the webhook.
 */
@MojoTest
class ColdBackupMojoStandInTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final RecordingWebhook hook = new RecordingWebhook();
    private final List<String> received = hook.received();

    private void configure(BackupMojo mojo, Fixture f, String stop) throws Exception {
        Path order = tmp.resolve("order.txt");
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "format", "2"); // format 2's cold path, whose tree the tests read (Format3StagedMojoTest: format 3's)
        setVariableValueToObject(mojo, "stagingDir", tmp.resolve("staging").toFile());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "mode", "cold");
        setVariableValueToObject(mojo, "stopCommand", stop + " && echo stop >> " + order);
        setVariableValueToObject(mojo, "startCommand", "echo start >> " + order);
        setVariableValueToObject(mojo, "commandTimeout", 30);
        setVariableValueToObject(mojo, "notifyWhen", "always");
        setVariableValueToObject(mojo, "notifyWebhook", hook.url());
    }

    @Test
    @InjectMojo(goal = "backup")
    void stopsCapturesStartsThenStoresAndReportsTheDowntime(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        configure(mojo, f, "true");
        mojo.execute();

        assertEquals(List.of("stop", "start"), Files.readAllLines(tmp.resolve("order.txt")));
        List<String> ids = TestSupport.target(tmp.resolve("nas")).backups("test");
        assertEquals(1, ids.size());
        Manifest m = TestSupport.target(tmp.resolve("nas")).manifest("test", ids.get(0));
        assertEquals("cold", m.mode());
        assertEquals(1, received.size());
        String json = received.get(0);
        assertTrue(json.contains("\"status\":\"success\"") && json.contains("\"mode\":\"cold\"") && json.contains("\"downtimeMs\":")
                && json.contains(ids.get(0)), json);
    }

    @Test
    @InjectMojo(goal = "backup")
    void aFailingStopCapturesNothingStillStartsAndReportsTheFailure(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        configure(mojo, f, "echo 'no such service' >&2; false");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("no such service"), e.getMessage());

        assertEquals(List.of("start"), Files.readAllLines(tmp.resolve("order.txt")), "start ran, stop never succeeded");
        assertEquals(List.of(), TestSupport.target(tmp.resolve("nas")).backups("test"));
        assertEquals(1, received.size());
        assertTrue(received.get(0).contains("\"status\":\"failure\"") && received.get(0).contains("no such service"), received.get(0));
    }

    @Test
    @InjectMojo(goal = "snapshot")
    void aColdSnapshotBeforeAnUpgradeStopsCapturesAndStarts(SnapshotMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "format", "2"); // a format 2 cold snapshot (Format3SnapshotMojoTest has the format 3 one)
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Path order = tmp.resolve("order.txt");
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "snapshotDir", tmp.resolve("snapshots").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "keep", 2);
        setVariableValueToObject(mojo, "mode", "cold");
        setVariableValueToObject(mojo, "stopCommand", "echo stop >> " + order);
        setVariableValueToObject(mojo, "startCommand", "echo start >> " + order);
        setVariableValueToObject(mojo, "commandTimeout", 30);
        mojo.execute();
        assertEquals(List.of("stop", "start"), Files.readAllLines(order));
        List<String> ids = TestSupport.target(tmp.resolve("snapshots")).backups("test");
        assertEquals("cold", TestSupport.target(tmp.resolve("snapshots")).manifest("test", ids.get(0)).mode());
    }

    @Test
    @InjectMojo(goal = "backup")
    void aWebhookThatCannotBeReachedNeverFailsAGoodBackup(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        configure(mojo, f, "true");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        setVariableValueToObject(mojo, "notifyWebhook", "http://127.0.0.1:" + closed + "/owui");
        mojo.execute();
        assertEquals(1, TestSupport.target(tmp.resolve("nas")).backups("test").size());
    }
}
