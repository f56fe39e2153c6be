package dev.owui.backup.repo.copy;

import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;

/** A format 3 copy between two local folders. */
class LocalRepoCopyTest extends RepoCopyContract {
    @Override
    ObjectStore openStore(String name) {
        return new LocalObjectStore(tmp.resolve(name));
    }

    /** A local folder has no connection to lose: the copy stops as a crash would stop it. */
    @Override
    void cut() {
        throw new IllegalStateException("simulated crash mid-copy");
    }

    @Override
    void heal() {
    }
}
