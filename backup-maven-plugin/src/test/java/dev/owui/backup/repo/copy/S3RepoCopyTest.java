package dev.owui.backup.repo.copy;

import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.S3ObjectStore;
import dev.owui.backup.store.s3.S3Server;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A format 3 copy between two prefixes of S3Proxy; the cut stops the server (connections refused). */
class S3RepoCopyTest extends RepoCopyContract {
    @TempDir
    static Path serverDir;
    static S3Server server;
    static final AtomicInteger runs = new AtomicInteger();
    int run = -1;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3Server.start(serverDir.resolve("s3"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    ObjectStore openStore(String name) {
        if (run < 0) {
            run = runs.incrementAndGet(); // one pair of prefixes per test, the same when a test reopens
        }
        return S3ObjectStore.open(server.spec("s3://backups/c" + run + "-" + name), S3Server.context());
    }

    @Override
    void cut() {
        server.stop();
    }

    @Override
    void heal() {
        server.restart();
    }
}
