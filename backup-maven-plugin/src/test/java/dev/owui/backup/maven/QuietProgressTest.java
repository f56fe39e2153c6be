package dev.owui.backup.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mvn -q} silences progress: with Maven's own logging (its SLF4J backend from the Maven
 * running this build, {@code owui.test.mavenHome}) at error level, as -q sets it, a backup that
 * logs progress and capture lines at info prints none of them; the same run at info does.
 */
class QuietProgressTest {
    private static final Pattern PROGRESS = Pattern.compile("(?m)^\\[\\w+\\] backup: .* of .* \\(\\d+%\\)");
    private static final Pattern CAPTURE = Pattern.compile("(?m)^\\[\\w+\\] capturing webui\\.db .*… \\d+ s$");

    @TempDir
    Path tmp;

    @Test
    void atErrorLevelNoProgressLineIsPrinted() throws Exception {
        String home = System.getProperty("owui.test.mavenHome");
        assumeTrue(home != null && Files.isDirectory(Path.of(home, "lib")),
                "needs the Maven running the build (surefire passes owui.test.mavenHome); an IDE run skips this");
        List<Path> maven;
        try (Stream<Path> s = Files.list(Path.of(home, "lib"))) {
            maven = s.filter(p -> p.getFileName().toString().matches("(maven-slf4j-provider|slf4j-api|maven-embedder)-.*\\.jar")).toList();
        }
        assertEquals(3, maven.size(), "Maven 3.9's lib has its SLF4J provider, the API and the embedder's Slf4jLogger: " + maven);
        Path conf = Path.of(home, "conf", "logging"); // simplelogger.properties: Maven's [INFO] format, as mvn puts it on its class path
        assertTrue(Files.isRegularFile(conf.resolve("simplelogger.properties")), conf.toString());
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).uploads(5).build();
        byte[] block = new byte[1 << 20];
        new Random(3).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(f.dataDir().resolve("uploads/big.bin"))) {
            for (int i = 0; i < 100; i++) {
                out.write(block);
            }
        }

        List<Path> childPath = new ArrayList<>(maven);
        childPath.add(conf);
        String atInfo = run(childPath, f.dataDir(), "info");
        assertTrue(PROGRESS.matcher(atInfo).find(), "at info the run shows progress, so the test means something:\n" + atInfo);
        assertTrue(CAPTURE.matcher(atInfo).find(), "and capture lines:\n" + atInfo);

        String quiet = run(childPath, f.dataDir(), "error");
        assertTrue(quiet.contains("backup done"), quiet);
        assertFalse(PROGRESS.matcher(quiet).find(), "-q: no progress line:\n" + quiet);
        assertFalse(CAPTURE.matcher(quiet).find(), "-q: no capture line:\n" + quiet);
        assertFalse(quiet.contains("[INFO]"), "-q: nothing at info:\n" + quiet);
    }

    private String run(List<Path> maven, Path dataDir, String level) throws Exception {
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            if (!name.startsWith("logback-") && !name.startsWith("slf4j-api-")) { // the test class path's SLF4J binds to nothing
                cp.add(e);
            }
        }
        maven.forEach(p -> cp.add(p.toString()));
        Path out = tmp.resolve("mvn-" + level + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level, // what -q sets (Slf4jSimpleConfiguration.setRootLoggerLevel)
                "-cp", String.join(File.pathSeparator, cp), QuietProgressMain.class.getName(),
                dataDir.toString(), tmp.resolve("backups-" + level).toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the backup finished");
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), log);
        return log;
    }
}
