package dev.owui.backup.repo;

import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An instance's format 3 repository as the goals that only read or prune see it: there or not.
 * {@link Repository#open} creates {@code repository.json}, which only a writer may do; listing and
 * pruning a target that holds only format 1/2 trees must leave it as it was.
 */
public final class RepoAtTarget {
    private RepoAtTarget() {
    }

    /** The repository at {@code <store>/<instance>/} if its {@code repository.json} exists; never creates it. */
    public static Optional<Repository> existing(ObjectStore store, String instance, Path scratch, EngineLog log) {
        if (store.stat(instance + "/" + Repository.INFO).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Repository.open(store, instance, scratch, log));
    }

    /** The ids of the format 3 backups (heads) at the repository, oldest first; none without a repository. */
    public static List<String> ids(Optional<Repository> repo) {
        return repo.map(r -> r.backups().list()).orElse(List.of());
    }
}
