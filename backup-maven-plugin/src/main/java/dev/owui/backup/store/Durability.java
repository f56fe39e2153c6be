package dev.owui.backup.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Makes a backup's files durable before its manifest is written. One {@code syncfs(2)} of the
 * target's filesystem (through coreutils' {@code sync --file-system}, as the JDK cannot call it)
 * replaces thousands of per-file fsyncs, each a round trip to the disk; where that is not
 * available every written file and folder is fsynced instead.
 */
final class Durability {
    private Durability() {
    }

    static void flush(Path tree, Collection<Path> files, Collection<Path> dirs) throws IOException {
        if (syncFileSystem(tree)) {
            return;
        }
        for (Path f : files) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        for (Path d : dirs) {
            LocalTarget.syncDirectory(d);
        }
    }

    /** syncfs(2) of the filesystem holding {@code dir}; false when it could not be done. */
    static boolean syncFileSystem(Path dir) {
        try {
            Process p = new ProcessBuilder("sync", "--file-system", dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false; // no coreutils sync on this system
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
