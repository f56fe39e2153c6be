package dev.owui.backup.repo.restore;

import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;

/** Format 3 restore and verify on a local folder. */
class LocalRepoRestoreTest extends RepoRestoreContract {
    @Override
    ObjectStore openStore() {
        return new LocalObjectStore(tmp.resolve("target"));
    }
}
