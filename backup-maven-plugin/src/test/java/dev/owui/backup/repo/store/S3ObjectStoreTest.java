package dev.owui.backup.repo.store;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.store.s3.S3Access;
import dev.owui.backup.store.s3.S3Server;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The contract on S3Proxy (a real S3 API over a folder), with listing pages of 7 keys so the
 * listing test crosses pages, and the default 16 MiB parts so 20 MiB goes as a multipart upload.
 */
class S3ObjectStoreTest extends ObjectStoreContract {
    static final int PAGE = 7;
    @TempDir
    static Path serverDir;
    static S3Server server;
    static final AtomicInteger prefixes = new AtomicInteger();
    /** When set, the server stops right after the next uploaded part: a service gone mid multipart upload. */
    final AtomicBoolean stopAfterAPart = new AtomicBoolean();
    S3Access access;

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

    /** The interceptors the store's client is built with; a subclass adds its own. */
    List<ExecutionInterceptor> interceptors() {
        return List.of(new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest && stopAfterAPart.compareAndSet(true, false)) {
                    server.stop();
                }
            }
        });
    }

    @Override
    ObjectStore open() throws Exception {
        // each test under a prefix of its own, as a target URL names one
        access = S3Access.open(server.spec("s3://backups/t" + prefixes.incrementAndGet() + "/open-webui"), S3Server.context(), interceptors());
        return new S3ObjectStore(access, S3ObjectStore.PART_SIZE, PAGE);
    }

    @Override
    Path fileOf(String key) {
        return null;
    }

    /** What a killed writer leaves on S3: a multipart upload that was never completed. */
    @Override
    void leaveKilledWrite(String key, byte[] partial) {
        String k = access.root() + key;
        String id = access.client().createMultipartUpload(b -> b.bucket(access.bucket()).key(k)).uploadId();
        access.client().uploadPart(b -> b.bucket(access.bucket()).key(k).uploadId(id).partNumber(1),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(partial));
    }

    @Override
    boolean hasHardLinks() {
        return false;
    }

    @Override
    RuntimeException cutDuring(Runnable write) {
        stopAfterAPart.set(true);
        RuntimeException thrown = null;
        try {
            write.run();
        } catch (RuntimeException e) {
            thrown = e;
        } finally {
            server.restart();
        }
        assertTrue(!stopAfterAPart.get(), "the server was stopped mid-upload");
        assertNotNull(thrown, "the cut write failed");
        return thrown;
    }
}
