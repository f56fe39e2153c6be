package dev.owui.backup.retention;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.repo.RepoAtTarget;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.prune.PruneReport;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.tree.BrowsableTrees;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetLock;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Retention over every backup of an instance at a target, whatever its format (FORMAT.md, "Formats
 * 1 and 2 at a format 3 target"): {@link Retention} decides over the union of the format 1/2 tree
 * ids and the format 3 heads, so "keep the last 7" means the last 7 backups the operator can
 * restore. Trees go as {@link Pruner} removes them; format 3 backups through the repository's
 * prune (forget the heads, remove their browsable trees, then mark and sweep, under its exclusive
 * lock). Both locks are held,
 * so neither a format 2 nor a format 3 backup runs meanwhile.
 */
public final class MixedPruner {
    static final String COMMAND = "owui:prune";

    private MixedPruner() {
    }

    /**
     * What a prune decided and freed.
     *
     * @param decisions  every backup's fate, newest first
     * @param format3    the ids among them that are format 3 backups
     * @param bytesFreed bytes the removals free (a dry run: would free), empty where that cannot be
     *                   told (SFTP trees have no link counts; a dry run cannot tell a format 3
     *                   backup's share without the mark it does not run)
     * @param repo       what the format 3 prune did, or null when it did not run
     */
    public record Outcome(List<Decision> decisions, Set<String> format3, OptionalLong bytesFreed, PruneReport repo) {
    }

    /**
     * Decides and, unless {@code dryRun}, removes what the policy does not keep. The newest backup
     * and {@code protect} (the one just made, or null) are always kept. {@code store} is the object
     * store of the same target; {@code keys} read encrypted format 3 manifests for the mark.
     */
    public static Outcome apply(Target target, ObjectStore store, String instance, Policy policy, ZoneId zone, String protect,
                                boolean dryRun, DecryptionKeys keys, Path scratch, EngineLog log) {
        try (TargetLock lock = target.lock(instance)) {
            Optional<Repository> repo = RepoAtTarget.existing(store, instance, scratch, log);
            // The repository's lock too, before deciding: a format 3 backup running now would
            // otherwise become the newest a moment after retention counted without it.
            try (RepoLock repoLock = repo.isPresent() && !dryRun ? repo.get().lock(true, COMMAND) : null) {
                List<String> trees = target.backups(instance);
                // A head under a name that is no backup id is not ours to judge (Backups.list).
                Set<String> heads = new LinkedHashSet<>(RepoAtTarget.ids(repo).stream().filter(BackupId::isValid).toList());
                Set<String> all = new LinkedHashSet<>(trees);
                all.addAll(heads);
                List<Decision> decisions = Retention.decide(new ArrayList<>(all), policy, zone, protect);
                List<String> doomedTrees = new ArrayList<>();
                List<String> doomedHeads = new ArrayList<>();
                for (Decision d : decisions) {
                    if (!d.keep()) {
                        if (trees.contains(d.backupId())) {
                            doomedTrees.add(d.backupId());
                        }
                        if (heads.contains(d.backupId())) {
                            doomedHeads.add(d.backupId());
                        }
                    }
                }
                OptionalLong freed = doomedTrees.isEmpty() ? OptionalLong.of(0) : Pruner.measure(target, instance, doomedTrees, log);
                PruneReport report = null;
                if (!dryRun) {
                    for (String id : doomedTrees) {
                        var leftover = target.delete(instance, id);
                        log.info("removed " + id + " (policy: " + policy + ")");
                        leftover.ifPresent(log::warn);
                    }
                    if (!doomedHeads.isEmpty()) {
                        report = repo.orElseThrow().pruner().prune(repoLock, doomedHeads, keys);
                        for (String id : report.forgotten()) {
                            log.info("removed " + id + " (format 3; policy: " + policy + ")");
                        }
                        log.info("format 3 repository: " + report.objectsDeleted() + " unreferenced object(s) deleted, "
                                + report.objectsKept() + " kept");
                        if (freed.isPresent()) {
                            freed = OptionalLong.of(freed.getAsLong() + report.bytesFreed());
                        }
                    } else if (repo.isPresent()) {
                        // Nothing forgotten, so no sweep: still no tree without a head (a crash's leftover) outlives a prune.
                        BrowsableTrees.of(repo.get()).ifPresent(t -> t.removeStale(repoLock, repo.get().backups().list()));
                    }
                } else if (!doomedHeads.isEmpty()) {
                    freed = OptionalLong.empty();
                }
                return new Outcome(decisions, heads, freed, report);
            }
        }
    }
}
