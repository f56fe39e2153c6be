package dev.owui.backup.repo.copy;

import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.SftpObjectStore;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.Sshd;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A format 3 copy between two folders of a real OpenSSH sshd on loopback; the cut kills sshd and its sessions. */
class SftpRepoCopyTest extends RepoCopyContract {
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
    ObjectStore openStore(String name) throws Exception {
        Path root = Files.createDirectories(tmp.resolve(name));
        return SftpObjectStore.open(SftpUrl.parse(sshd.url(root.toString())), sshd.options());
    }

    @Override
    void cut() {
        sshd.kill();
    }

    @Override
    void heal() {
        sshd.restart();
    }
}
