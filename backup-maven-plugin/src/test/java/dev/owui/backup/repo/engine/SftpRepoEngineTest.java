package dev.owui.backup.repo.engine;

import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.SftpObjectStore;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.Sshd;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The backup engine over SFTP to a real OpenSSH sshd on loopback. */
class SftpRepoEngineTest extends RepoEngineContract {
    @TempDir
    static Path serverDir;
    static Sshd sshd;

    @BeforeAll
    static void startServer() {
        sshd = Sshd.start(serverDir.resolve("sshd"));
    }

    @AfterAll
    static void stopServer() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Override
    ObjectStore openStore() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("target"));
        return SftpObjectStore.open(SftpUrl.parse(sshd.url(root.toString())), sshd.options());
    }
}
