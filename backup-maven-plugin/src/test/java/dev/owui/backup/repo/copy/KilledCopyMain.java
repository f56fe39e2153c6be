package dev.owui.backup.repo.copy;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.report.EngineLog;
import java.nio.file.Path;
import java.util.List;

/**
 * A format 3 copy in a JVM of its own ({@code <source folder> <destination folder> <scratch> <id>}),
 * slowed down per object and announcing each on stdout, so {@link KilledCopyTest} can SIGKILL it
 * in the middle.
 */
public final class KilledCopyMain {
    private KilledCopyMain() {
    }

    public static void main(String[] args) {
        try (LocalObjectStore from = new LocalObjectStore(Path.of(args[0])); LocalObjectStore to = new LocalObjectStore(Path.of(args[1]))) {
            Path scratch = Path.of(args[2]);
            Repository src = Repository.open(from, "open-webui", scratch, EngineLog.SILENT);
            Repository dst = Repository.open(to, "open-webui", scratch, EngineLog.SILENT);
            new RepoCopier(EngineLog.SILENT, (name, size) -> {
                System.out.println("copied " + name);
                System.out.flush();
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).copy(src, dst, List.of(args[3]), List.of(), new RepoCopier.Options(DecryptionKeys.none(), 1, null));
        }
        System.out.println("done");
    }
}
