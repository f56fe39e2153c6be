package dev.owui.backup.repo.engine;

import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;

/** The backup engine writing to a local folder. */
class LocalRepoEngineTest extends RepoEngineContract {
    @Override
    ObjectStore openStore() {
        return new LocalObjectStore(tmp.resolve("target"));
    }
}
