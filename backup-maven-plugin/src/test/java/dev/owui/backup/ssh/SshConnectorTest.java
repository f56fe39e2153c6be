package dev.owui.backup.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jcraft.jsch.ChannelSftp;
import dev.owui.backup.OwuiException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH layer against a real OpenSSH sshd on loopback. */
class SshConnectorTest {
    @TempDir
    Path tmp;
    Sshd sshd;

    @BeforeEach
    void startSshd() {
        sshd = Sshd.start(tmp.resolve("sshd"));
    }

    @AfterEach
    void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private SftpUrl url(String path) {
        return SftpUrl.parse(sshd.url(path));
    }

    @Test
    void connectsWithAKeyAndKnownHostsRoundTripsAFileAndRunsCommands() throws Exception {
        Path remoteDir = Files.createDirectories(tmp.resolve("remote"));
        String knownBefore = Files.readString(sshd.knownHosts());
        byte[] content = new byte[300_000];
        new Random(7).nextBytes(content);
        try (SshSession s = SshConnector.open(url(remoteDir.toString()), sshd.options())) {
            assertEquals(sshd.user() + "@127.0.0.1:" + sshd.port(), s.describe());
            ChannelSftp sftp = s.sftp();
            try (OutputStream out = sftp.put(remoteDir + "/blob.bin")) {
                out.write(content);
            }
            try (InputStream in = sftp.get(remoteDir + "/blob.bin")) {
                assertArrayEquals(content, in.readAllBytes());
            }
            assertArrayEquals(content, Files.readAllBytes(remoteDir.resolve("blob.bin")), "the file really is on the server");
            assertEquals("1", sftp.getExtension("hardlink@openssh.com"), "OpenSSH offers hard links");
            assertEquals("1", sftp.getExtension("posix-rename@openssh.com"), "and POSIX rename, which JSch then uses for rename()");

            ExecResult r = s.exec("echo out; echo err >&2; exit 3");
            assertEquals(3, r.exitCode());
            assertEquals("out\n", r.stdout());
            assertEquals("err\n", r.stderr());
            assertEquals(content.length + "\n", s.exec("stat -c %s " + remoteDir + "/blob.bin").stdout());
        }
        assertEquals(knownBefore, Files.readString(sshd.knownHosts()), "known_hosts untouched");
    }

    @Test
    void anUnknownHostIsRefusedWithItsFingerprintAndTheCommandToTrustIt() throws Exception {
        Path empty = Files.writeString(tmp.resolve("known_hosts_empty"), "");
        OwuiException e = assertThrows(OwuiException.class,
                () -> SshConnector.open(url("/tmp"), sshd.options().withKnownHosts(empty)));
        String m = e.getMessage();
        assertTrue(m.contains("unknown"), m);
        assertTrue(m.contains("[127.0.0.1]:" + sshd.port()), m);
        assertTrue(m.contains("ssh-ed25519"), m);
        assertTrue(m.contains(sshd.hostKeyFingerprint()), "the SHA256 fingerprint ssh-keygen -l prints: " + m);
        assertTrue(m.contains("ssh-keyscan -p " + sshd.port() + " -t ed25519 127.0.0.1 >> " + empty), m);
        assertEquals("", Files.readString(empty), "nothing is ever written to known_hosts");

        Path missing = tmp.resolve("no_such_known_hosts");
        e = assertThrows(OwuiException.class, () -> SshConnector.open(url("/tmp"), sshd.options().withKnownHosts(missing)));
        assertTrue(e.getMessage().contains("(missing)"), e.getMessage());
        assertFalse(Files.exists(missing), "and no known_hosts file is created");
    }

    @Test
    void aChangedHostKeyIsRefusedNamingTheLineAndTheCommandToRemoveIt() throws Exception {
        String before = Files.readString(sshd.knownHosts());
        sshd.changeHostKey();
        OwuiException e = assertThrows(OwuiException.class, () -> SshConnector.open(url("/tmp"), sshd.options()));
        String m = e.getMessage();
        assertTrue(m.contains("CHANGED"), m);
        assertTrue(m.contains(sshd.hostKeyFingerprint()), "names the new key's fingerprint: " + m);
        assertTrue(m.contains(sshd.knownHosts() + " (line 1)"), m);
        assertTrue(m.contains("ssh-keygen -f " + sshd.knownHosts() + " -R '[127.0.0.1]:" + sshd.port() + "'"), m);
        assertEquals(before, Files.readString(sshd.knownHosts()), "the old entry stays: we never edit known_hosts");
    }

    @Test
    void aWrongKeyIsRefusedNamingUserHostAndWhatWasTriedButNoSecret() {
        SshOptions o = sshd.options().withCredentials(sshd.user(), "hunter2-not-printed", sshd.strangerKey(), null);
        OwuiException e = assertThrows(OwuiException.class, () -> SshConnector.open(url("/tmp"), o));
        String m = e.getMessage();
        assertTrue(m.contains("SSH login to " + sshd.user() + "@127.0.0.1:" + sshd.port() + " was refused"), m);
        assertTrue(m.contains("key " + sshd.strangerKey()), m);
        assertTrue(m.contains("password"), m);
        assertTrue(m.contains("the server accepts: publickey"), m);
        assertFalse(m.contains("hunter2"), "the password is never printed: " + m);

        OwuiException none = assertThrows(OwuiException.class,
                () -> SshConnector.open(url("/tmp"), sshd.options().withCredentials(sshd.user(), null, null, null)));
        assertTrue(none.getMessage().contains("nothing: no key, agent or password was available"), none.getMessage());
    }

    @Test
    void aKeyWithAPassphraseWorksAndAWrongPassphraseIsNamed() {
        SshOptions good = sshd.options().withCredentials(sshd.user(), null, sshd.userKeyWithPassphrase(), Sshd.PASSPHRASE);
        try (SshSession s = SshConnector.open(url("/tmp"), good)) {
            assertTrue(s.isConnected());
        }
        SshOptions wrong = sshd.options().withCredentials(sshd.user(), null, sshd.userKeyWithPassphrase(), "not it");
        OwuiException e = assertThrows(OwuiException.class, () -> SshConnector.open(url("/tmp"), wrong));
        assertTrue(e.getMessage().contains("cannot use the private key " + sshd.userKeyWithPassphrase()), e.getMessage());
        assertFalse(e.getMessage().contains("not it"), e.getMessage());

        SshOptions none = sshd.options().withCredentials(sshd.user(), null, sshd.userKeyWithPassphrase(), null);
        OwuiException e2 = assertThrows(OwuiException.class, () -> SshConnector.open(url("/tmp"), none));
        assertTrue(e2.getMessage().contains("encrypted"), e2.getMessage());
    }

    @Test
    void anSshConfigAliasSuppliesHostNamePortUserAndIdentityFileButCannotWeakenHostKeyChecking() throws Exception {
        Path config = tmp.resolve("ssh_config");
        Files.writeString(config, String.join("\n",
                "Host backup-nas",
                "  HostName 127.0.0.1",
                "  Port " + sshd.port(),
                "  User " + sshd.user(),
                "  IdentityFile " + sshd.userKey(),
                "  StrictHostKeyChecking no",
                ""));
        SshOptions o = SshOptions.defaults(tmp.resolve("home")).withSshConfig(config).withKnownHosts(sshd.knownHosts());
        try (SshSession s = SshConnector.open(SftpUrl.parse("sftp://backup-nas/tmp"), o)) {
            assertEquals(sshd.user() + "@127.0.0.1:" + sshd.port() + " (ssh config Host backup-nas)", s.describe());
            assertEquals("ok\n", s.exec("echo ok").stdout());
        }
        Path empty = Files.writeString(tmp.resolve("kh"), "");
        OwuiException e = assertThrows(OwuiException.class,
                () -> SshConnector.open(SftpUrl.parse("sftp://backup-nas/tmp"), o.withKnownHosts(empty)));
        assertTrue(e.getMessage().contains("unknown"), "StrictHostKeyChecking no in the config does not apply: " + e.getMessage());
        assertEquals("", Files.readString(empty));
    }

    @Test
    void aMissingSshConfigFileThatWasNamedIsAnError() {
        OwuiException e = assertThrows(OwuiException.class,
                () -> SshConnector.open(url("/tmp"), sshd.options().withSshConfig(tmp.resolve("nope"))));
        assertTrue(e.getMessage().contains("the ssh config file " + tmp.resolve("nope") + " does not exist"), e.getMessage());
    }

    @Test
    void theSshAgentIsUsedWhenSshAuthSockIsSet() throws Exception {
        Path sock = tmp.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 200 && !Files.exists(sock); i++) {
                Thread.sleep(10);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", sshd.userKey().toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            Process p = add.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);

            SshOptions o = sshd.options().withCredentials(sshd.user(), null, null, null).withAgent(sock.toString());
            try (SshSession s = SshConnector.open(url("/tmp"), o)) {
                assertEquals("agent\n", s.exec("echo agent").stdout());
            }
        } finally {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStalledTransferIsCutByTheWatchdogInsteadOfHangingForever() throws Exception {
        Path remoteDir = Files.createDirectories(tmp.resolve("remote"));
        byte[] big = new byte[16 << 20];
        new Random(1).nextBytes(big);
        Files.write(remoteDir.resolve("big.bin"), big);
        SshOptions o = sshd.options().withTimeouts(null, Duration.ofSeconds(60), Duration.ofSeconds(2));
        SshSession s = SshConnector.open(url(remoteDir.toString()), o);
        try {
            InputStream in = s.sftp().get(remoteDir + "/big.bin");
            byte[] buf = new byte[64 * 1024];
            assertTrue(in.read(buf) > 0);
            sshd.freezeSessions(); // the connection stays open, nothing moves: a hung NAS mount
            long start = System.nanoTime();
            Exception failed = null;
            try (Watchdog.Activity a = s.watch("reading big.bin")) {
                while (in.read(buf) > 0) {
                    a.progress();
                }
            } catch (Exception e) {
                failed = e; // or JSch reports the cut as an early end of file: either way the session is gone
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 20, "failed after " + seconds + " s, not hung");
            assertFalse(s.isConnected(), "the watchdog closed the session");
            String m = s.failure("reading big.bin", failed == null ? new java.io.IOException("early end") : failed).getMessage();
            assertTrue(m.contains("stalled for 2 s"), m);
            assertTrue(m.contains("reading big.bin"), m);
        } finally {
            sshd.thawSessions();
            s.close();
        }
    }
}
