package dev.owui.backup.quiesce;

import dev.owui.backup.report.EngineLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A backup run in its own JVM, for the test that ends it with SIGTERM mid-capture: the stop and
 * start commands are shell lines, the capture marks that it began and then waits.
 *
 * <p>Usage: {@code QuiescedChildMain <order-file> <stop shell line> <start shell line>}
 */
public final class QuiescedChildMain {
    public static void main(String[] args) {
        Path order = Path.of(args[0]);
        EngineLog log = new EngineLog() {
            @Override
            public void info(String line) {
                System.out.println(line);
            }

            @Override
            public void warn(String line) {
                System.out.println("WARN " + line);
            }
        };
        new Quiescer(log).run(new Quiesce("cold", Command.shell(args[1]), Command.shell(args[2]), null, null), () -> {
            Files.writeString(order, "capture-begun\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Thread.sleep(120_000);
            return null;
        });
    }

    private QuiescedChildMain() {
    }
}
