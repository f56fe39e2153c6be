package dev.owui.backup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SftpUrlTest {

    @Test
    void parsesUserHostPortAndPath() {
        SftpUrl u = SftpUrl.parse("sftp://backup@nas.example.org:2222/srv/owui-backups/");
        assertEquals("backup", u.user());
        assertEquals("nas.example.org", u.host());
        assertEquals(2222, u.port());
        assertEquals("/srv/owui-backups", u.path(), "a trailing slash is dropped");
        assertEquals("sftp://backup@nas.example.org:2222/srv/owui-backups", u.toString());
    }

    @Test
    void userAndPortAreOptionalSoAnSshConfigAliasCanSupplyThem() {
        SftpUrl u = SftpUrl.parse("sftp://backup-nas/volume1/owui");
        assertNull(u.user());
        assertEquals("backup-nas", u.host());
        assertEquals(-1, u.port());
        assertEquals("/volume1/owui", u.path());
        assertEquals("sftp://backup-nas/volume1/owui", u.toString());
    }

    @Test
    void ipv6LiteralsAndTheRootFolder() {
        SftpUrl u = SftpUrl.parse("SFTP://root@[::1]:22/");
        assertEquals("::1", u.host());
        assertEquals(22, u.port());
        assertEquals("/", u.path());
        assertEquals("sftp://root@[::1]:22/", u.toString());
    }

    @Test
    void thePathIsTakenLiterally() {
        assertEquals("/srv/my backups/%20x", SftpUrl.parse("sftp://h/srv/my backups/%20x").path());
        assertEquals("/a/b", SftpUrl.parse("sftp://h//a//b").path());
    }

    @Test
    void mistakesNameTheUrlAndTheFix() {
        assertMessage("not an sftp:// URL", "scp://h/x");
        assertMessage("names no folder", "sftp://host");
        assertMessage("names no host", "sftp:///srv/x");
        assertMessage("names no host", "sftp://user@/srv/x");
        assertMessage("invalid port: 'abc'", "sftp://h:abc/x");
        assertMessage("invalid port: '70000'", "sftp://h:70000/x");
        assertMessage("'..' in its path", "sftp://h/srv/../etc");
        assertMessage("query or fragment", "sftp://h/srv?x=1");
        assertMessage("empty user name", "sftp://@h/x");
        OwuiException e = assertThrows(OwuiException.class, () -> SftpUrl.parse("sftp://h x/y"));
        assertTrue(e.getMessage().contains("invalid host name"), e.getMessage());
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutEchoingIt() {
        OwuiException e = assertThrows(OwuiException.class, () -> SftpUrl.parse("sftp://bob:s3cret@nas/srv"));
        assertTrue(e.getMessage().contains("carries a password"), e.getMessage());
        assertTrue(e.getMessage().contains("owui.serverId"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), "the password is never printed: " + e.getMessage());
    }

    @Test
    void optionsNeverShowSecretsAndResolveTheHomeTheyAreGiven() {
        SshOptions o = SshOptions.fromEnvironment(Path.of("/home/op"), Map.of("SSH_AUTH_SOCK", "/tmp/agent.sock"))
                .withCredentials("op", "hunter2", Path.of("/keys/id"), "open sesame");
        assertFalse(o.toString().contains("hunter2"), o.toString());
        assertFalse(o.toString().contains("open sesame"), o.toString());
        assertEquals("/tmp/agent.sock", o.agentSocket());
        assertEquals(Path.of("/home/op/.ssh/known_hosts"), o.resolve("~/.ssh/known_hosts"));
        assertEquals(Path.of("/home/op/.ssh/known_hosts"), o.defaultKnownHosts());
        assertEquals(SshOptions.DEFAULT_STALL_TIMEOUT, o.stallTimeout());
        assertEquals(Duration.ofSeconds(5), o.withTimeouts(null, null, Duration.ofSeconds(5)).stallTimeout());
        assertNull(SshOptions.fromEnvironment(Path.of("/h"), Map.of()).agentSocket());
    }

    private static void assertMessage(String fragment, String url) {
        OwuiException e = assertThrows(OwuiException.class, () -> SftpUrl.parse(url));
        assertTrue(e.getMessage().contains(fragment), url + " → " + e.getMessage());
        assertTrue(e.remedy() != null && !e.remedy().isBlank(), "a remedy for " + url);
    }
}
