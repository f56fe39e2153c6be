package dev.owui.backup.repo;

import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;

/** The repository on a local folder. */
class LocalRepositoryTest extends RepositoryContract {
    @Override
    ObjectStore openStore() {
        return new LocalObjectStore(tmp.resolve("target"));
    }
}
