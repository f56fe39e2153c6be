package dev.owui.backup.capture;

import dev.owui.backup.TestSupport;
import dev.owui.backup.report.EngineLog;
import java.nio.file.Path;

/**
 * A backup in a JVM of its own, slowed down per stored file and announcing each one on stdout,
 * so {@link KilledBackupTest} can SIGKILL it in the middle of the files phase.
 */
public final class KilledBackupMain {
    private KilledBackupMain() {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        Path target = Path.of(args[1]);
        BackupRunner runner = new BackupRunner(EngineLog.SILENT, entry -> {
            System.out.println("stored " + entry.path());
            System.out.flush();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        runner.run(new BackupOptions(data, TestSupport.target(target), "test", null, null, 1));
        System.out.println("done");
    }
}
