package dev.owui.backup.maven;

import static org.apache.maven.api.plugin.testing.MojoExtension.setVariableValueToObject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The goals' SSH parameters wired to a real sshd: ssh config, known_hosts, settings.xml credentials. */
@MojoTest
class SftpMojoTest {
    @TempDir
    Path tmp;
    Sshd sshd;
    Fixture f;

    @BeforeEach
    void start() throws Exception {
        Sshd.assumeAvailable();
        sshd = Sshd.start(tmp.resolve("sshd"));
        f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Files.createDirectories(tmp.resolve("remote"));
    }

    @AfterEach
    void stop() {
        if (sshd != null) {
            sshd.close();
        }
    }

    private Path sshConfig(boolean withKey) throws Exception {
        Path config = tmp.resolve("ssh_config");
        Files.writeString(config, "Host nas\n  HostName " + sshd.host() + "\n  Port " + sshd.port() + "\n  User " + sshd.user() + "\n"
                + (withKey ? "  IdentityFile " + sshd.userKey() + "\n" : ""));
        return config;
    }

    private static int backups(Path instanceDir) {
        String[] names = instanceDir.toFile().list();
        int n = 0;
        for (String name : names == null ? new String[0] : names) {
            n += name.startsWith(".") ? 0 : 1;
        }
        return n;
    }

    @Test
    @InjectMojo(goal = "snapshot")
    void aSnapshotOverSftpUsesTheSshConfigAliasAndKnownHosts(SnapshotMojo mojo) throws Exception {
        setVariableValueToObject(mojo, "format", "2"); // a format 2 snapshot: the test counts its trees
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "snapshotDir", "sftp://nas" + tmp.resolve("remote"));
        setVariableValueToObject(mojo, "sshConfig", sshConfig(true).toFile());
        setVariableValueToObject(mojo, "knownHosts", sshd.knownHosts().toFile());
        mojo.execute();
        assertEquals(1, backups(tmp.resolve("remote/open-webui")));
    }

    @Test
    void aFormat3BackupOverSftpWritesTheRepositoryAndPrunesIt(@InjectMojo(goal = "backup") BackupMojo backup,
                                                              @InjectMojo(goal = "prune") PruneMojo prune) throws Exception {
        String url = "sftp://nas" + tmp.resolve("remote");
        for (Object mojo : java.util.List.of(backup, prune)) {
            setVariableValueToObject(mojo, "target", url);
            setVariableValueToObject(mojo, "sshConfig", sshConfig(true).toFile());
            setVariableValueToObject(mojo, "knownHosts", sshd.knownHosts().toFile());
        }
        setVariableValueToObject(backup, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(backup, "format", "3");
        backup.execute();
        Thread.sleep(1100); // a second id of its own
        backup.execute();
        Path heads = tmp.resolve("remote/open-webui/backups");
        assertEquals(2, heads.toFile().list().length);
        setVariableValueToObject(prune, "keepLast", 1);
        prune.execute();
        assertEquals(1, heads.toFile().list().length);
    }

    @Test
    @InjectMojo(goal = "backup")
    void credentialsComeFromASettingsServer(BackupMojo mojo) throws Exception {
        Server server = new Server();
        server.setId("nas");
        server.setUsername(sshd.user());
        server.setPrivateKey(sshd.userKey().toString());
        Settings settings = new Settings();
        settings.addServer(server);
        setVariableValueToObject(mojo, "settings", settings);
        setVariableValueToObject(mojo, "serverId", "nas");
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", "sftp://nas" + tmp.resolve("remote"));
        setVariableValueToObject(mojo, "sshConfig", sshConfig(false).toFile()); // the alias, but no key: the server's key must do
        setVariableValueToObject(mojo, "knownHosts", sshd.knownHosts().toFile());
        mojo.execute();
        // owui.format=auto at a new target: format 3, whose backup is its head (the credentials opened both views of the target).
        assertEquals(1, Format3MojoTest.heads(tmp.resolve("remote/open-webui")));
    }

    @Test
    @InjectMojo(goal = "backup")
    void anUnknownHostFailsTheBuildWithTheCommandToTrustIt(BackupMojo mojo) throws Exception {
        Path emptyKnownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
        setVariableValueToObject(mojo, "dataDir", f.dataDir().toFile());
        setVariableValueToObject(mojo, "target", "sftp://nas" + tmp.resolve("remote"));
        setVariableValueToObject(mojo, "sshConfig", sshConfig(true).toFile());
        setVariableValueToObject(mojo, "knownHosts", emptyKnownHosts.toFile());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains(sshd.hostKeyFingerprint()) && e.getMessage().contains("ssh-keyscan"), e.getMessage());
        assertEquals("", Files.readString(emptyKnownHosts), "nothing is written to known_hosts");
        assertEquals(0, backups(tmp.resolve("remote/open-webui")));
    }
}
