package dev.owui.backup.repo.engine;

import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.S3ObjectStore;
import dev.owui.backup.store.s3.S3Server;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The backup engine on S3Proxy (a real S3 API over a folder), each test under its own prefix. */
class S3RepoEngineTest extends RepoEngineContract {
    @TempDir
    static Path serverDir;
    static S3Server server;
    static final AtomicInteger prefixes = new AtomicInteger();

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
    ObjectStore openStore() {
        return S3ObjectStore.open(server.spec("s3://backups/e" + prefixes.incrementAndGet()), S3Server.context());
    }
}
