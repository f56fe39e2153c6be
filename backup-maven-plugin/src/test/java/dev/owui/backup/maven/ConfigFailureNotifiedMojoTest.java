package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.testkit.RecordingWebhook;
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
 * A notifying goal whose configuration cannot be built (a passphrase variable that is not set in
 * cron's environment, a mistyped owui.toFormat or owui.mode) still tells its webhook: the run is
 * unattended, and a failure nobody hears of is a backup nobody has. The JSON report is written too.
 */
@MojoTest
class ConfigFailureNotifiedMojoTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final RecordingWebhook hook = new RecordingWebhook();
    private final List<String> received = hook.received();

    private void notifyAndReport(AbstractOwuiMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "notifyWebhook", hook.url());
        setVariableValueToObject(mojo, "report", tmp.resolve("report.json").toString());
    }

    /** The one notification: a failure whose error starts with {@code problem}. */
    private JsonNode oneFailure(String problem) throws Exception {
        assertEquals(1, received.size(), received.toString());
        JsonNode n = new ObjectMapper().readTree(received.get(0));
        assertEquals("failure", n.get("status").asText(), received.get(0));
        assertEquals("test", n.get("instance").asText());
        assertTrue(n.get("error").asText().startsWith(problem), received.get(0));
        JsonNode report = new ObjectMapper().readTree(Files.readString(tmp.resolve("report.json")));
        assertEquals("failure", report.get("result").asText(), report.toString());
        return n;
    }

    @Test
    @InjectMojo(goal = "backup")
    void aBackupWhosePassphraseVariableIsNotSetIsNotified(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "passphraseEnv", "OWUI_TEST_NO_SUCH_VARIABLE");
        notifyAndReport(mojo);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        String problem = "the environment variable OWUI_TEST_NO_SUCH_VARIABLE (owui.passphraseEnv) is not set or empty";
        assertTrue(e.getMessage().startsWith(problem), e.getMessage());
        assertEquals("hot", oneFailure(problem).get("mode").asText());
        assertTrue(!Files.exists(tmp.resolve("nas/test")), "nothing was written");
    }

    @Test
    @InjectMojo(goal = "copy")
    void aCopyWithABadToFormatIsNotified(CopyMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "from", tmp.resolve("cloud").toString());
        setVariableValueToObject(mojo, "to", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "toFormat", "4");
        notifyAndReport(mojo);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("owui.toFormat=4 is not a format"), e.getMessage());
        assertEquals("copy", oneFailure("owui.toFormat=4 is not a format").get("mode").asText());
    }

    @Test
    @InjectMojo(goal = "snapshot")
    void aSnapshotNotifiesItsSuccessAndABadCompressionAsAFailure(SnapshotMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "snapshotDir", tmp.resolve("snaps").toString());
        setVariableValueToObject(mojo, "notifyWhen", "always");
        notifyAndReport(mojo);
        mojo.execute();
        assertEquals(1, received.size(), received.toString());
        JsonNode ok = new ObjectMapper().readTree(received.get(0));
        assertEquals("success", ok.get("status").asText(), received.get(0));
        assertEquals("snapshot", ok.get("mode").asText());
        assertTrue(ok.get("backupId").asText().matches("\\d{8}T\\d{6}Z.*"), received.get(0));
        assertTrue(ok.get("files").asLong() > 0, received.get(0));
        assertEquals(tmp.resolve("snaps").toString(), ok.get("targets").get(0).asText());

        received.clear();
        setVariableValueToObject(mojo, "compression", "gzip");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("unknown owui.compression 'gzip'"), e.getMessage());
        assertEquals("snapshot", oneFailure("unknown owui.compression 'gzip'").get("mode").asText());
    }
}
