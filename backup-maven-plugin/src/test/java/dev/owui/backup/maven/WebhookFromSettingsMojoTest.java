package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.testkit.RecordingWebhook;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;

/**
 * owui:backup as Maven runs it, with the webhook URL (token in its path and query) kept in a
 * settings.xml server: the report arrives there, and neither the goal's log at debug nor its
 * parameters (what {@code mvn -X} prints) ever hold the token.
 */
@MojoTest
class WebhookFromSettingsMojoTest {
    static final String TOKEN = "tok-4b9e1c0d77";
    static final String BEARER = "bearer-5a5a17";

    @TempDir
    Path tmp;

    // The URI and Authorization header too: the token must arrive, in the path, query and header.
    @RegisterExtension
    final RecordingWebhook hook = new RecordingWebhook("/hooks", ex -> ex.getRequestURI() + " "
            + ex.getRequestHeaders().getFirst("Authorization") + " " + RecordingWebhook.body(ex));
    private final List<String> received = hook.received();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private String secretUrl() {
        return "http://127.0.0.1:" + hook.port() + "/hooks/" + TOKEN + "?token=" + TOKEN;
    }

    private static Server server(String id, String url, String password) {
        Server s = new Server();
        s.setId(id);
        s.setPassword(password);
        Xpp3Dom config = new Xpp3Dom("configuration");
        Xpp3Dom u = new Xpp3Dom("url");
        u.setValue(url);
        config.addChild(u);
        s.setConfiguration(config);
        return s;
    }

    private void configure(BackupMojo mojo, Fixture f, Server server) throws Exception {
        Settings settings = new Settings();
        settings.addServer(server);
        setVariableValueToObject(mojo, "settings", settings);
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", tmp.resolve("nas").toString());
        setVariableValueToObject(mojo, "instance", "test");
        setVariableValueToObject(mojo, "threads", 2);
        setVariableValueToObject(mojo, "notifyWhen", "always");
        setVariableValueToObject(mojo, "notifyWebhookServerId", server.getId());
        mojo.setLog(recording());
    }

    /** Maven's log at debug (-X), every line kept. */
    private Log recording() {
        return (Log) java.lang.reflect.Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] {Log.class}, (p, m, args) -> {
            if (m.getName().startsWith("is")) {
                return true;
            }
            if (args != null) {
                for (Object a : args) {
                    lines.add(a instanceof Throwable t ? String.valueOf(t) : String.valueOf(a));
                }
            }
            return null;
        });
    }

    /** What mvn -X prints of a goal: each parameter's value, as text. */
    private static String parameterDump(AbstractMojo mojo) throws Exception {
        StringBuilder b = new StringBuilder();
        for (Class<?> c = mojo.getClass(); c != AbstractMojo.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                f.setAccessible(true);
                b.append(f.getName()).append(" = ").append(f.get(mojo)).append('\n');
            }
        }
        return b.toString();
    }

    @Test
    @InjectMojo(goal = "backup")
    void theWebhookUrlComesFromSettingsAndItsTokenIsNeverPrinted(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        configure(mojo, f, server("hook", secretUrl(), BEARER));
        mojo.execute();

        assertEquals(1, Format3MojoTest.heads(tmp.resolve("nas/test")), "owui.format=auto: a format 3 backup at a new target");
        assertEquals(1, received.size(), "the report went to the URL from settings.xml");
        assertTrue(received.get(0).startsWith("/hooks/" + TOKEN + "?token=" + TOKEN + " Bearer " + BEARER + " {"), received.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("notified webhook http://127.0.0.1:" + hook.port() + "/… (server 'hook')")),
                lines.toString());
        for (String l : lines) {
            assertFalse(l.contains(TOKEN) || l.contains(BEARER), "printed: " + l);
        }
        String dump = parameterDump(mojo);
        assertTrue(dump.contains("notifyWebhookServerId = hook"), dump);
        assertFalse(dump.contains(TOKEN) || dump.contains(BEARER), dump);
    }

    @Test
    @InjectMojo(goal = "backup")
    void anEncryptedUrlIsDecryptedAsMavenDecryptsPasswords(BackupMojo mojo) throws Exception {
        DefaultPlexusCipher cipher = new DefaultPlexusCipher();
        String master = "master-pw-for-this-test";
        Path security = tmp.resolve("settings-security.xml");
        Files.writeString(security, "<settingsSecurity><master>" + cipher.encryptAndDecorate(master, "settings.security")
                + "</master></settingsSecurity>");
        String before = System.getProperty("settings.security");
        System.setProperty("settings.security", security.toString()); // where Maven's SecDispatcher looks
        try {
            Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
            configure(mojo, f, server("hook", cipher.encryptAndDecorate(secretUrl(), master), null));
            mojo.execute();
            assertEquals(1, received.size());
            assertTrue(received.get(0).startsWith("/hooks/" + TOKEN + "?token=" + TOKEN + " null {"), received.get(0));
        } finally {
            if (before == null) {
                System.clearProperty("settings.security");
            } else {
                System.setProperty("settings.security", before);
            }
        }
    }

    @Test
    @InjectMojo(goal = "backup")
    void aUrlGivenTwiceOrMissingOrMalformedFailsBeforeAnyWorkWithoutQuotingIt(BackupMojo mojo) throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        configure(mojo, f, server("hook", secretUrl(), null));
        setVariableValueToObject(mojo, "notifyWebhook", "https://hooks.example.com/owui");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("given twice") && e.getMessage().contains("server 'hook'"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));

        setVariableValueToObject(mojo, "notifyWebhook", null);
        configure(mojo, f, server("hook", null, BEARER));
        e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("no webhook URL") && e.getMessage().contains("<configuration><url>"), e.getMessage());

        configure(mojo, f, server("hook", "http://127.0.0.1/hooks/" + TOKEN + " ?token=" + TOKEN, null));
        e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("<configuration><url> of server 'hook'") && e.getMessage().contains("not an http(s) URL"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        for (String l : lines) {
            assertFalse(l.contains(TOKEN), "printed: " + l);
        }
        assertFalse(Files.exists(tmp.resolve("nas/test")) && TestSupport.target(tmp.resolve("nas")).backups("test").size() > 0,
                "nothing was backed up");
        assertEquals(0, Format3MojoTest.heads(tmp.resolve("nas/test")), "nothing was backed up in format 3 either");
    }
}
