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
}
