package dev.owui.backup.repo.store;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.Sshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract over SFTP to a real OpenSSH sshd on loopback, whose files are this machine's. */
class SftpObjectStoreTest extends ObjectStoreContract {
    @TempDir
    static Path serverDir;
    static Sshd sshd;
    Path root;

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
    ObjectStore open() throws Exception {
        // a root with glob characters in its name: JSch must take it literally
        root = Files.createDirectories(tmp.resolve("repo*[x] \\\\ it"));
        return SftpObjectStore.open(SftpUrl.parse(sshd.url(root.toString())), sshd.options(), hasHardLinks());
    }

    @Override
    Path fileOf(String key) {
        return root.resolve(key);
    }

    @Override
    void leaveKilledWrite(String key, byte[] partial) throws Exception {
        Path f = root.resolve(key);
        Files.createDirectories(f.getParent());
        Files.write(f.resolveSibling(Keys.tempName(f.getFileName().toString())), partial);
    }

    @Override
    boolean hasHardLinks() {
        return true;
    }

    /** Kills sshd and its session processes (a server losing power) once the upload is under way, then starts it again. */
    @Override
    RuntimeException cutDuring(Runnable write) throws Exception {
        AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                write.run();
            } catch (RuntimeException e) {
                thrown.set(e);
            }
        });
        writer.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        boolean cut = false;
        while (writer.isAlive() && System.nanoTime() < deadline) {
            if (uploadedBytes() > (1 << 20)) {
                sshd.kill();
                cut = true;
                break;
            }
            Thread.sleep(1);
        }
        writer.join(60_000);
        sshd.restart();
        if (!cut) {
            fail("the write finished before it could be cut off");
        }
        assertNotNull(thrown.get(), "the cut write failed");
        return thrown.get();
    }

    /** Bytes in temp files under the root: how far an upload got. */
    private long uploadedBytes() throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().contains(Keys.TEMP_MARK)).mapToLong(p -> p.toFile().length()).sum();
        } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
            return 0; // a folder appeared or vanished while we looked
        }
    }
}
