package dev.owui.backup.repo.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
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

    @Test
    void findsOutThatS3ProxyHonoursIfNoneMatch() throws Exception {
        S3ObjectStore s3 = (S3ObjectStore) store;
        assertEquals(java.util.Optional.empty(), s3.conditionalWrites(), "asked by the first write, not before");
        s3.writeIfAbsent("locks/a.json", "{}".getBytes());
        assertEquals(java.util.Optional.of(true), s3.conditionalWrites());
        assertEquals(List.of("locks/a.json"), keys(""), "the probe object is gone (and would never be listed)");
    }

    /** A service that ignores If-None-Match (an older MinIO, B2): S3Proxy with the header taken off every request. */
    @Test
    void aServiceIgnoringIfNoneMatchIsFoundOutAndNothingIsReplaced() throws Exception {
        ExecutionInterceptor ignoring = new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().removeHeader("If-None-Match").build();
            }
        };
        S3Access other = S3Access.open(server.spec("s3://backups/ignoring" + prefixes.incrementAndGet()), S3Server.context(), List.of(ignoring));
        try (S3ObjectStore s = new S3ObjectStore(other, 5 << 20, PAGE)) { // 5 MiB parts (S3's least): a multipart upload costs little
            assertTrue(s.writeIfAbsent("backups/b1.json", "first".getBytes()));
            assertEquals(java.util.Optional.of(false), s.conditionalWrites(), "the probe's second put succeeded: the header is ignored");
            assertFalse(s.writeIfAbsent("backups/b1.json", "second".getBytes()));
            assertArrayEquals("first".getBytes(), s.read("backups/b1.json").readAllBytes());
            byte[] large = random(6 << 20, 9);
            assertTrue(s.writeIfAbsent("objects/la/large", large));
            assertFalse(s.writeIfAbsent("objects/la/large", random(6 << 20, 10)), "no multipart upload replaces it either");
            assertArrayEquals(large, s.read("objects/la/large").readAllBytes());

            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    byte[] mine = ("writer " + i).getBytes();
                    results.add(pool.submit(() -> {
                        go.await();
                        return s.writeIfAbsent("objects/ra/race", mine);
                    }));
                }
                go.countDown();
                int stored = 0;
                for (var r : results) {
                    stored += r.get() ? 1 : 0;
                }
                assertEquals(1, stored, "threads of one process are serialized per key");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
