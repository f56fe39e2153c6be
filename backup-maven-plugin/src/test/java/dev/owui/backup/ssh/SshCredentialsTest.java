package dev.owui.backup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.OwuiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which credentials are offered, how often, and what the refusal says, counted where it counts:
 * in a real sshd's own log (LogLevel VERBOSE writes one line per failed attempt). A wrong
 * password is sent once, not until the server hangs up; IdentitiesOnly keeps the agent's other
 * keys back; the message names every refused credential, never a secret.
 */
class SshCredentialsTest {
    /** A Unix user with a password (root may not log in with one: PermitRootLogin prohibit-password). */
    static final String USER = "owuipw";
    static final String PASSWORD = "Right-pa55word";
    static final String WRONG = "wr0ng-Passw0rd-never-printed";

    @TempDir
    Path tmp;
    Sshd sshd;
    Process agent;

    @BeforeAll
    static void passwordUser() {
        Sshd.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")) && Files.isExecutable(Path.of("/usr/sbin/chpasswd")),
                "needs useradd and chpasswd (Debian package passwd)");
        deleteUser();
        Sshd.run("useradd", "-m", "-s", "/bin/sh", USER);
        Sshd.run("sh", "-c", "echo '" + USER + ":" + PASSWORD + "' | chpasswd");
    }

    @AfterAll
    static void deleteUser() {
        try {
            new ProcessBuilder("userdel", "-r", "-f", USER).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // not there
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        if (agent != null) {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Sshd start(Map<String, String> settings) {
        sshd = Sshd.start(tmp.resolve("sshd"), settings);
        return sshd;
    }

    /** Password credentials of a settings.xml server 'nas': no key, no agent, an empty ssh config and home. */
    private SshOptions passwordOptions(String password) {
        return SshOptions.defaults(tmp.resolve("home")).withKnownHosts(sshd.knownHosts()).withSshConfig(sshd.dir().resolve("empty_ssh_config"))
                .withCredentials(USER, password, null, null).withCredentialsFrom("settings.xml server 'nas'");
    }

    private SftpUrl url(String user) {
        return SftpUrl.parse("sftp://" + user + "@127.0.0.1:" + sshd.port() + "/tmp");
    }

    /** Lines of sshd's log matching {@code regex}, once the log has settled (the session process writes it). */
    private int count(String regex) throws InterruptedException {
        int n = -1;
        for (int i = 0; i < 20; i++) {
            int now = 0;
            Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(sshd.log());
            while (m.find()) {
                now++;
            }
            if (now == n && now > 0) {
                return now;
            }
            n = now;
            Thread.sleep(100);
        }
        return n;
    }

    @Test
    void aWrongPasswordIsSentOnceAndTheMessageSaysWhoseItWas() throws Exception {
        start(Map.of("PasswordAuthentication", "yes"));
        OwuiException e = assertThrows(OwuiException.class, () -> SshConnector.open(url(USER), passwordOptions(WRONG)));
        String m = e.getMessage();
        assertEquals(1, count("Failed password for " + USER + " "), "one attempt at the server, not one per JSch retry:\n" + sshd.log());
        assertFalse(sshd.log().contains("Too many authentication failures"), sshd.log());
        assertTrue(m.contains("SSH login to " + USER + "@127.0.0.1:" + sshd.port() + " was refused: the server refused the password of "
                + "settings.xml server 'nas' (tried once)"), m);
        assertFalse(m.contains(WRONG), "the password is never printed: " + m);

        try (SshSession s = SshConnector.open(url(USER), passwordOptions(PASSWORD))) {
            assertEquals(USER + "\n", s.exec("id -un").stdout(), "the right password logs in");
        }
    }

    @Test
    void overPamAWrongPasswordIsSentOnceAcrossKeyboardInteractiveAndPassword() throws Exception {
        assumeTrue(Files.exists(Path.of("/etc/pam.d/sshd")), "needs the PAM config of Debian's openssh-server");
        start(Map.of("UsePAM", "yes", "KbdInteractiveAuthentication", "yes", "PasswordAuthentication", "yes"));
        OwuiException e = assertThrows(OwuiException.class, () -> SshConnector.open(url(USER), passwordOptions(WRONG)));
        assertEquals(1, count("Failed (password|keyboard-interactive/pam) for " + USER + " "),
                "one attempt, over whichever method came first:\n" + sshd.log());
        assertTrue(e.getMessage().contains("the server refused the password of settings.xml server 'nas' (tried once)"), e.getMessage());
        assertFalse(e.getMessage().contains(WRONG), e.getMessage());

        try (SshSession s = SshConnector.open(url(USER), passwordOptions(PASSWORD))) {
            assertEquals(USER + "\n", s.exec("id -un").stdout());
        }
    }

    /** An ssh-agent holding {@code key} (ssh-add reads a passphrase through SSH_ASKPASS). */
    private Path agentWith(Path key, String passphrase) throws Exception {
        Path sock = tmp.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 200 && !Files.exists(sock); i++) {
            Thread.sleep(10);
        }
        ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
        add.environment().put("SSH_AUTH_SOCK", sock.toString());
        if (passphrase != null) {
            Path askpass = tmp.resolve("askpass.sh");
            Files.writeString(askpass, "#!/bin/sh\necho '" + passphrase + "'\n");
            Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
            add.environment().put("SSH_ASKPASS", askpass.toString());
            add.environment().put("SSH_ASKPASS_REQUIRE", "force");
            add.environment().put("DISPLAY", ":0");
        }
        add.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = add.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return sock;
    }

    private Path config(String... lines) throws Exception {
        return Files.writeString(tmp.resolve("ssh_config"), "Host 127.0.0.1\n  " + String.join("\n  ", lines) + "\n");
    }

    private SshOptions agentOptions(Path config, Path sock) {
        return SshOptions.defaults(tmp.resolve("home")).withKnownHosts(sshd.knownHosts()).withSshConfig(config)
                .withCredentials(sshd.user(), null, null, null).withAgent(sock.toString());
    }

    private String fingerprint(Path key) {
        return Sshd.run("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").split("\\s+")[1];
    }

    @Test
    void identitiesOnlyKeepsTheAgentsOtherKeysBackAndTheMessageNamesTheRefusedKey() throws Exception {
        start(Map.of());
        Path sock = agentWith(sshd.userKey(), null); // the agent holds a key the server accepts

        Path only = config("IdentitiesOnly yes", "IdentityFile " + sshd.strangerKey());
        OwuiException e = assertThrows(OwuiException.class, () -> SshConnector.open(url(sshd.user()), agentOptions(only, sock)));
        String m = e.getMessage();
        assertTrue(m.contains("the server refused key " + sshd.strangerKey() + " (ssh-ed25519 " + fingerprint(sshd.strangerKey()) + ")"), m);
        assertTrue(m.contains("1 other ssh-agent key (IdentitiesOnly yes in " + only + ": only the IdentityFile keys are offered)"), m);
        assertFalse(sshd.log().contains(fingerprint(sshd.userKey())), "the agent's key never reached the server:\n" + sshd.log());

        Path not = config("IdentityFile " + sshd.strangerKey());
        try (SshSession s = SshConnector.open(url(sshd.user()), agentOptions(not, sock))) {
            assertEquals("agent\n", s.exec("echo agent").stdout(), "without IdentitiesOnly the agent's key logs in");
        }
    }

    @Test
    void theAgentSignsForAnEncryptedIdentityFileEvenWithIdentitiesOnly() throws Exception {
        start(Map.of());
        Path sock = agentWith(sshd.userKeyWithPassphrase(), Sshd.PASSPHRASE);
        // OpenSSH uses the agent for an IdentityFile whose key it holds; the file's passphrase is not needed.
        Path only = config("IdentitiesOnly yes", "IdentityFile " + sshd.userKeyWithPassphrase());
        try (SshSession s = SshConnector.open(url(sshd.user()), agentOptions(only, sock))) {
            assertEquals("ok\n", s.exec("echo ok").stdout());
        }
    }

    @Test
    void aServerThatHangsUpAfterTooManyKeysIsNamedWithWhatWasTriedAndWhatNot() throws Exception {
        start(Map.of("MaxAuthTries", "2"));
        Path sock = agentWith(sshd.strangerKey(), null);
        for (String name : List.of("k2", "k3")) {
            Path k = tmp.resolve(name);
            Sshd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", k.toString());
            ProcessBuilder add = new ProcessBuilder("ssh-add", k.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            assertEquals(0, add.start().waitFor());
        }
        OwuiException e = assertThrows(OwuiException.class,
                () -> SshConnector.open(url(sshd.user()), agentOptions(sshd.dir().resolve("empty_ssh_config"), sock)));
        String m = e.getMessage();
        assertTrue(m.contains("the server refused ssh-agent key stranger_ed25519 (ssh-ed25519 " + fingerprint(sshd.strangerKey()) + ")"), m);
        assertTrue(m.contains("then it ended the login (\"Too many authentication failures\")"), m);
        assertTrue(m.contains("not tried: ssh-agent key k3"), m);
        assertTrue(m.contains("IdentitiesOnly yes"), "the advice says how to offer the right key first: " + m);
    }

    @Test
    void eachRefusedKeyIsOfferedOnceAndNamedWithItsFingerprint() throws Exception {
        start(Map.of());
        Path sock = agentWith(sshd.strangerKey(), null); // the same refused key in the agent and as the IdentityFile
        Path cfg = config("IdentityFile " + sshd.strangerKey());
        OwuiException e = assertThrows(OwuiException.class, () -> SshConnector.open(url(sshd.user()), agentOptions(cfg, sock)));
        String fp = fingerprint(sshd.strangerKey());
        assertEquals(1, count("Failed publickey for " + sshd.user() + " .*" + Pattern.quote(fp)), "offered once, not as file and again from the agent:\n"
                + sshd.log());
        assertTrue(e.getMessage().contains("the server refused key " + sshd.strangerKey() + " (ssh-ed25519 " + fp + ")"), e.getMessage());
        assertFalse(e.getMessage().contains("ssh-agent key"), e.getMessage());
    }
}
