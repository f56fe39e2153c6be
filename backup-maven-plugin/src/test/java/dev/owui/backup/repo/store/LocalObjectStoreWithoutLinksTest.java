package dev.owui.backup.repo.store;

import java.nio.file.Path;

/**
 * The contract on a local folder whose filesystem refuses hard links (FAT, some SMB and FUSE
 * mounts): writes publish by rename after checking absence, racing threads serialized per key.
 */
class LocalObjectStoreWithoutLinksTest extends LocalObjectStoreTest {
    @Override
    LocalObjectStore create(Path root) {
        return new LocalObjectStore(root, true);
    }

    @Override
    boolean hasHardLinks() {
        return false;
    }
}
