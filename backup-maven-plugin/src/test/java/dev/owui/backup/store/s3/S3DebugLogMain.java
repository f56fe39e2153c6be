package dev.owui.backup.store.s3;

import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.Targets;
import java.nio.file.Path;

/**
 * A backup to S3Proxy in a JVM of its own, whose SLF4J backend is the one Maven gives plugins
 * (put on the class path by {@link S3DebugLogTest}), at the level {@code mvn -X} sets. The engine's
 * own log goes to stdout at debug too, as MavenEngineLog does with -X. Args: work dir, data dir.
 */
public final class S3DebugLogMain {
    private S3DebugLogMain() {
    }

    public static void main(String[] args) throws Exception {
        EngineLog log = new EngineLog() {
            @Override
            public void info(String line) {
                System.out.println("[INFO] " + line);
            }

            @Override
            public void warn(String line) {
                System.out.println("[WARNING] " + line);
            }

            @Override
            public void debug(String line) {
                System.out.println("[DEBUG] " + line);
            }
        };
        try (S3Server server = S3Server.start(Path.of(args[0]).resolve("s3"));
             Target t = Targets.open(server.spec("s3://backups/owui"), S3Server.context())) {
            new BackupRunner(log).run(new BackupOptions(Path.of(args[1]), t, "test", null, null, 2));
        }
        System.out.println("backup done");
    }
}
