package dev.owui.backup.repo.store;

import java.nio.file.Files;
import java.nio.file.Path;

/** The contract on a local folder. */
class LocalObjectStoreTest extends ObjectStoreContract {
    Path root;

    LocalObjectStore create(Path root) {
        return new LocalObjectStore(root);
    }

    @Override
    ObjectStore open() throws Exception {
        root = tmp.resolve("repo");
        return create(root);
    }

    @Override
    Path fileOf(String key) {
        return root.resolve(key);
    }

    @Override
    void leaveKilledWrite(String key, byte[] partial) throws Exception {
        Path f = root.resolve(key);
        Files.createDirectories(f.getParent());
        Files.write(f.resolveSibling(Keys.tempName(f.getFileName().toString())), partial);
    }

    @Override
    boolean hasHardLinks() {
        return true;
    }

    /** A target path that runs through a file fails naming the file, not as a disk error. */
    @org.junit.jupiter.api.Test
    void aFileInTheWayIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a folder");
        try (LocalObjectStore s = create(file.resolve("backups"))) {
            for (org.junit.jupiter.api.function.Executable op : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                    () -> s.stat("open-webui/repository.json"), () -> s.writeIfAbsent("open-webui/repository.json", new byte[] {1}))) {
                dev.owui.backup.OwuiException e = org.junit.jupiter.api.Assertions.assertThrows(dev.owui.backup.OwuiException.class, op);
                org.junit.jupiter.api.Assertions.assertEquals("cannot use " + file.resolve("backups") + " as a target: a file is in the way ("
                        + file + ")", e.problem());
                org.junit.jupiter.api.Assertions.assertEquals("move that file away or choose another target", e.remedy());
            }
        }
    }
}
