package dev.owui.backup.repo.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.TestSupport.RecordingLog;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A format 3 copy JVM killed with SIGKILL mid-copy: no head at the destination, its locks stale, the next run finishes. */
class KilledCopyTest {
    @TempDir
    Path tmp;

    @Test
    void killingTheJvmMidCopyLeavesNoBackupAndTheNextRunCompletes() throws Exception {
        Path data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(3).build();
        RecordingLog log = new RecordingLog();
        try (LocalObjectStore from = new LocalObjectStore(tmp.resolve("src")); LocalObjectStore to = new LocalObjectStore(tmp.resolve("dst"))) {
            Repository src = Repository.open(from, "open-webui", tmp.resolve("scratch"), log);
            Repository dst = Repository.open(to, "open-webui", tmp.resolve("scratch"), log);
            String id = new RepoBackupRunner(log).run(src, new RepoBackupRunner.Options(data, "open-webui", CodecSettings.zstd(3), false,
                    tmp.resolve("staging"))).backupId();

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KilledCopyMain.class.getName(),
                    tmp.resolve("src").toString(), tmp.resolve("dst").toString(), tmp.resolve("child-scratch").toString(), id)
                    .redirectErrorStream(true).start();
            int copied = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null && copied < 5) {
                    assertFalse(line.equals("done"), "the child finished before it could be killed");
                    if (line.startsWith("copied ")) {
                        copied++;
                    }
                }
                child.destroyForcibly(); // SIGKILL: no finally blocks, no lock released
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            }
            assertEquals(5, copied, "killed in the middle of the objects");
            assertEquals(List.of(), dst.backups().list(), "no head: the killed copy is no backup");
            assertEquals(1, RepoLock.list(dst).size(), "its exclusive lock is left at the destination");
            assertEquals(1, RepoLock.list(src).size(), "and its shared lock at the source");

            List<RepoCopier.Copied> r = new RepoCopier(log).copy(src, dst, List.of(id), List.of(), new RepoCopier.Options(DecryptionKeys.none(), 2, null));
            assertTrue(log.saidAnywhere("stale lock"), log.warnings.toString());
            assertEquals(List.of(id), dst.backups().list());
            assertTrue(r.get(0).objectsPresent() >= 5, "what arrived before the kill is not sent again: " + r);
            assertEquals(RepoCopyContract.objects(src), RepoCopyContract.objects(dst));
            assertEquals(List.of(), RepoLock.list(dst));
        }
    }
}
