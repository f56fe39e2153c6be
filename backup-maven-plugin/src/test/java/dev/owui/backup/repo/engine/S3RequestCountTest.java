package dev.owui.backup.repo.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.S3ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.s3.S3Access;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The requests a format 3 backup sends to S3 (S3Proxy), counted at the AWS SDK's HTTP layer (every
 * attempt, retries included): after a small change, the objects written plus a small constant; with
 * nothing changed, the constant alone. No HeadObject before a PutObject (the conditional PUT says
 * "exists" by itself) and no GET of the previous backup's head or entry chunks (the host's cache
 * has them).
 */
class S3RequestCountTest {
    @TempDir
    static Path serverDir;
    static S3Server server;
    @TempDir
    Path tmp;
    /** "<operation> <path>" per HTTP request sent. */
    final List<String> requests = new CopyOnWriteArrayList<>();

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

    ExecutionInterceptor counter() {
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                requests.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " " + context.httpRequest().encodedPath());
            }
        };
    }

    long count(String operation, String pathPart) {
        return requests.stream().filter(r -> r.startsWith(operation + " ") && r.contains(pathPart)).count();
    }

    Map<String, Long> byOperation() {
        Map<String, Long> m = new TreeMap<>();
        requests.forEach(r -> m.merge(r.substring(0, r.indexOf(' ')), 1L, Long::sum));
        return m;
    }

    @Test
    void aSmallChangeCostsItsObjectsPlusAConstantAndNoChangeOnlyTheConstant() throws Exception {
        Path data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(5).targetBytes(8L << 20).build();
        RepoBackupRunner.Options opts = new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false, tmp.resolve("staging"))
                .withPageMapCache(tmp.resolve("cache/pagemaps"));
        Map<String, Long> first;
        RepoBackupRunner.Result r;
        // one process per backup, as Maven runs them: a store opened (and its conditional-write probe made) each time
        try (S3ObjectStore store = open(); ) {
            r = new RepoBackupRunner(EngineLog.SILENT).run(Repository.open(store, "open-webui", tmp.resolve("scratch"), EngineLog.SILENT), opts);
            first = byOperation();
        }
        assertTrue(r.objectsWritten() > 20, "the first backup stores everything: " + r.objectsWritten());
        assertEquals(0, count("HeadObject", "/objects/"), "no HeadObject before a PutObject: " + first);
        Path chunks = tmp.resolve("cache/chunks");
        try (Stream<Path> s = Files.walk(chunks)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".head.json")), "the head is kept in " + chunks);
        }

        Thread.sleep(1000); // backup ids are times to the second
        requests.clear();
        try (S3ObjectStore store = open()) {
            r = new RepoBackupRunner(EngineLog.SILENT).run(Repository.open(store, "open-webui", tmp.resolve("scratch"), EngineLog.SILENT), opts);
        }
        long constant = requests.size();
        String unchanged = byOperation() + " " + requests;
        assertEquals(0, r.objectsWritten() - r.chunksWritten() - countPuts(), "nothing but the constant: " + unchanged);
        assertEquals(0, count("GetObject", "/objects/"), "the previous backup's entries come from the cache: " + unchanged);
        assertEquals(0, count("GetObject", "/open-webui/backups/"), "and its head: " + unchanged);
        assertEquals(0, count("HeadObject", "/objects/"), unchanged);
        assertTrue(constant <= 16, "a no-change backup makes a small constant number of requests: " + unchanged);

        Mutator.change(data, 1, 42);
        Thread.sleep(1000);
        requests.clear();
        try (S3ObjectStore store = open()) {
            r = new RepoBackupRunner(EngineLog.SILENT).run(Repository.open(store, "open-webui", tmp.resolve("scratch"), EngineLog.SILENT), opts);
        }
        long objectPuts = countPuts();
        String changed = byOperation() + ", " + r.objectsWritten() + " objects written, " + requests;
        assertTrue(r.objectsWritten() >= 5, changed);
        assertEquals(objectPuts, requests.stream().filter(q -> q.contains("/objects/")).count(), "only PutObjects of objects: " + changed);
        // a PutObject answered 412 (the content was there: e.g. two new files alike) counts as one request, as its HeadObject did before
        assertTrue(objectPuts <= r.objectsWritten() + 3, changed);
        assertTrue(requests.size() - objectPuts <= constant, "besides one PutObject per object, the no-change constant: " + changed);
        System.out.println("S3 requests: no change " + constant + " " + unchanged.substring(0, unchanged.indexOf('}') + 1) + "; after a 1% change "
                + requests.size() + " " + byOperation() + " for " + r.objectsWritten() + " objects written (" + objectPuts + " PutObject of objects)");
    }

    /** PutObjects of objects/ since the last clear (a no-change backup writes none besides a changed chunk). */
    private long countPuts() {
        return count("PutObject", "/objects/");
    }

    S3ObjectStore open() {
        return S3ObjectStore.over(S3Access.open(server.spec("s3://backups/counted"), S3Server.context(), List.of(counter())));
    }
}
