package dev.owui.backup.instance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.testkit.Fixture;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningInstanceCheckTest {
    @TempDir
    Path tmp;

    @Test
    void anIdleDirectoryIsFree() throws Exception {
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        assertTrue(RunningInstanceCheck.whoUses(f.dataDir()).isEmpty());
    }

    @Test
    void aLiveSqliteConnectionInAnotherProcessIsSeenThroughTheShmLock() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sqlite3")), "needs the sqlite3 CLI (Debian package sqlite3; .ci/run installs it)");
        Fixture f = OpenWebUiFixture.at(tmp.resolve("data")).build();
        Process cli = new ProcessBuilder("sqlite3", f.webuiDb().toString()).start();
        try (OutputStream in = cli.getOutputStream()) {
            in.write("SELECT count(*) FROM user;\n".getBytes(StandardCharsets.UTF_8)); // opens the database, keeps it open
            in.flush();
            Path shm = f.dataDir().resolve("webui.db-shm");
            for (int i = 0; i < 50 && !Files.exists(shm); i++) {
                Thread.sleep(50);
            }
            assertTrue(RunningInstanceCheck.liveSqliteConnection(shm).isPresent(), "the DMS lock of another process's connection is seen");
            assertTrue(RunningInstanceCheck.processWithOpenFile(f.dataDir()).orElse("").contains("sqlite3"));
        } finally {
            cli.destroyForcibly().waitFor();
        }
        assertTrue(RunningInstanceCheck.liveSqliteConnection(f.dataDir().resolve("webui.db-shm")).isEmpty(), "free once it exits");
    }
}
