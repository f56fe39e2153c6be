package dev.owui.backup.maven;

import dev.owui.backup.capture.CaptureEvents;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.store.LocalTarget;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.maven.monitor.logging.DefaultLog;
import org.slf4j.LoggerFactory;

/**
 * A backup in a JVM of its own whose log is what Maven 3.9 gives a mojo: {@link DefaultLog} over
 * Maven's SLF4J backend (put on the class path by {@link QuietProgressTest}), through
 * {@link MavenEngineLog} as the Mojos use it; the level comes from
 * {@code org.slf4j.simpleLogger.defaultLogLevel}, which {@code -q} sets to error. Progress lines
 * every 20 ms, and a capture slowed down so its phase lines show. Args: data dir, target dir.
 */
public final class QuietProgressMain {
    private QuietProgressMain() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        // Maven's Slf4jLoggerManager hands a mojo this plexus Logger; maven-embedder is on the child's class path only.
        org.codehaus.plexus.logging.Logger plexus = (org.codehaus.plexus.logging.Logger) Class.forName("org.apache.maven.cli.logging.Slf4jLogger")
                .getConstructor(org.slf4j.Logger.class).newInstance(LoggerFactory.getLogger(BackupMojo.class));
        MavenEngineLog log = new MavenEngineLog(new DefaultLog(plexus));
        CaptureEvents slowCapture = new CaptureEvents() {
            @Override
            public void stored(FileEntry entry) {
            }

            @Override
            public void capturing(String rel) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Path target = Path.of(args[1]);
        new BackupRunner(log, slowCapture).progressEvery(Duration.ofMillis(20))
                .run(new BackupOptions(Path.of(args[0]), new LocalTarget(target, target.toString(), true), "test", null, null, 2));
        System.out.println("backup done");
    }
}
