package dev.owui.backup.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import java.nio.file.Path;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.junit.jupiter.api.Test;

/** Credentials by server id, through Maven's real SettingsDecrypter component. */
@MojoTest
class ServerCredentialsTest {
    @Inject
    SettingsDecrypter decrypter;

    private static Settings settingsWith(Server server) {
        Settings s = new Settings();
        s.addServer(server);
        return s;
    }

    @Test
    void aServerGivesItsCredentialsAndNeverPrintsTheSecrets() {
        Server server = new Server();
        server.setId("nas");
        server.setUsername("backup");
        server.setPassword("s3cret-pw");
        server.setPrivateKey("/home/ops/.ssh/id_ed25519");
        server.setPassphrase("key-phrase");
        ServerCredentials c = ServerCredentials.from(settingsWith(server), decrypter, "nas");
        assertEquals("backup", c.username());
        assertEquals("s3cret-pw", c.password());
        assertEquals(Path.of("/home/ops/.ssh/id_ed25519"), c.privateKey());
        assertEquals("key-phrase", c.passphrase());
        assertFalse(c.toString().contains("s3cret-pw") || c.toString().contains("key-phrase"), c.toString());
    }

    @Test
    void absentValuesAreNullNotEmpty() {
        Server server = new Server();
        server.setId("agent-only");
        server.setUsername("backup");
        ServerCredentials c = ServerCredentials.from(settingsWith(server), decrypter, "agent-only");
        assertNull(c.password());
        assertNull(c.privateKey());
    }

    @Test
    void anUnknownServerIdIsNamedWithTheFix() {
        OwuiException e = assertThrows(OwuiException.class, () -> ServerCredentials.from(new Settings(), decrypter, "nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("settings.xml"), e.getMessage());
    }
}
