package dev.owui.backup.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn -X} with an S3 target: a real backup to S3Proxy with Maven's own SLF4J backend
 * (maven-slf4j-provider and slf4j-api from the Maven running this build, {@code owui.test.mavenHome})
 * at debug, as -X sets it. The log stays small and holds no request body, no content of
 * webui.db, no secret key and no request signature.
 */
class S3DebugLogTest {
    static final String CANARY = "owui-canary-7c1e4f0a-never-in-a-log";

    @TempDir
    Path tmp;

    private static List<Path> mavenLoggingJars() throws Exception {
        String home = System.getProperty("owui.test.mavenHome");
        assumeTrue(home != null && Files.isDirectory(Path.of(home, "lib")),
                "needs the Maven running the build (surefire passes owui.test.mavenHome); an IDE run skips this");
        try (Stream<Path> s = Files.list(Path.of(home, "lib"))) {
            List<Path> jars = s.filter(p -> p.getFileName().toString().matches("(maven-slf4j-provider|slf4j-api)-.*\\.jar")).toList();
            assertEquals(2, jars.size(), "Maven 3.9's lib has its SLF4J provider and API: " + jars);
            return jars;
        }
    }

    @Test
    void withMavensDebugLoggingNoBodyNoSecretAndNoSignatureIsLogged() throws Exception {
        List<Path> maven = mavenLoggingJars();
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).uploads(10).build();
        Files.writeString(f.dataDir().resolve("uploads/canary.txt"), CANARY.repeat(100));
        long dataBytes;
        try (Stream<Path> s = Files.walk(f.dataDir())) {
            dataBytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }

        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            if (!name.startsWith("logback-") && !name.startsWith("slf4j-api-")) { // the test class path's SLF4J binds to nothing
                cp.add(e);
            }
        }
        maven.forEach(p -> cp.add(p.toString()));
        Path out = tmp.resolve("mvn-X.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", // what -X sets (Slf4jSimpleConfiguration.setRootLoggerLevel)
                "-cp", String.join(File.pathSeparator, cp), S3DebugLogMain.class.getName(), tmp.toString(), f.dataDir().toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the backup finished");
        String log = Files.readString(out, StandardCharsets.ISO_8859_1);
        assertEquals(0, p.exitValue(), log.length() > 4000 ? log.substring(log.length() - 4000) : log);
        assertTrue(log.contains("backup done"));

        assertTrue(log.contains("software.amazon.awssdk.request"), "the SDK's request log is on at debug, so the test means something");
        assertFalse(log.contains(CANARY), "no request body");
        assertFalse(log.contains("SQLite format 3"), "no byte of webui.db");
        assertFalse(log.contains(S3Server.SECRET_KEY), "no secret key");
        assertFalse(log.contains("Signature="), "no Authorization header");
        assertFalse(log.contains("AWS4 Canonical Request"), "no canonical request (it carries header values, a session token among them)");
        assertFalse(log.contains("http-outgoing"), "no HttpClient wire or header lines");
        assertTrue(Files.size(out) < 1 << 20 && Files.size(out) < dataBytes / 2,
                "the log stays small: " + Files.size(out) + " bytes for a backup of " + dataBytes);
    }
}
