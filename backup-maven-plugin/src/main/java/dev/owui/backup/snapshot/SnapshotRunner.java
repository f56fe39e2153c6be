package dev.owui.backup.snapshot;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.capture.CaptureWrapper;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.tree.BrowsableTrees;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A point-in-time snapshot: a backup in the same format (databases through the backup API,
 * unchanged files hard links to the previous snapshot, the tree complete only with its
 * manifest), then rotation to the newest {@code keep}. The roll-back point to take before an
 * upgrade, since Open WebUI migrates its database in place and cannot go back.
 *
 * <p>With format 3 ({@link #runFormat3}) the snapshot is a backup into the instance's repository
 * at the snapshot directory, then its browsable tree {@code trees/<id>/} (what {@code cp -a}
 * restores from), then the same rotation over both formats, which also removes the trees of the
 * backups it forgets.
 */
public final class SnapshotRunner {
    private final EngineLog log;

    public SnapshotRunner(EngineLog log) {
        this.log = log;
    }

    /** The snapshot made and the snapshots rotation removed. */
    public record Result(BackupResult snapshot, List<String> removed) {
    }

    public Result run(BackupOptions options, int keep) {
        return run(options, keep, CaptureWrapper.HOT);
    }

    /** A snapshot whose capture runs inside {@code wrapper} (cold or paused: stop → capture → start). */
    public Result run(BackupOptions options, int keep, CaptureWrapper wrapper) {
        Policy policy = Policy.keepLast(keep);
        BackupResult made = wrapper.around(() -> new BackupRunner(log).run(options));
        String id = made.manifest().backupId();
        try {
            List<String> removed = Pruner.apply(options.target(), options.instance(), policy, ZoneOffset.UTC, id, false, log).stream()
                    .filter(d -> !d.keep()).map(Decision::backupId).toList();
            return new Result(made, removed);
        } catch (OwuiException e) {
            throw new OwuiException("snapshot " + id + " is complete, but removing old snapshots failed: " + e.problem(), e.remedy(), e);
        }
    }

    /** A format 3 snapshot: the backup, its browsable tree, and the snapshots rotation removed. */
    public record Format3Result(RepoBackupRunner.Result snapshot, BrowsableTrees.Result tree, List<String> removed) {
    }

    /**
     * A hot format 3 snapshot into the instance's repository in {@code store} (the same snapshot
     * directory as {@code target}, local or SFTP; {@code scratch} for local work files): {@link RepoBackupRunner}, then {@link BrowsableTrees#build},
     * then the newest {@code keep} backups of either format are kept. {@code keys} decode what the
     * tree needs (encrypted files, encrypted manifests); without them an encrypting snapshot is
     * refused before anything is captured, since its tree could not be built.
     */
    public Format3Result runFormat3(Target target, ObjectStore store, RepoBackupRunner.Options options, int keep, DecryptionKeys keys,
                                    Path scratch) {
        checkFormat3(store, options.codec(), keys);
        Repository repo = Repository.open(store, options.instance(), scratch, log);
        RepoBackupRunner.Result made = new RepoBackupRunner(log).run(repo, options, target);
        Finished f = finishFormat3(target, repo, options.instance(), made.backupId(), keep, keys, scratch);
        return new Format3Result(made, f.tree(), f.removed());
    }

    /**
     * What a format 3 snapshot needs before anything is captured (and before repository.json is
     * created, so a refused snapshot leaves the directory as it was): a store with folders for
     * the browsable tree, and the key when the snapshot encrypts (the tree is plain).
     */
    public static void checkFormat3(ObjectStore store, CodecSettings codec, DecryptionKeys keys) {
        if (store.treeFiles().isEmpty()) {
            throw new OwuiException("a format 3 snapshot needs folders at its snapshot directory for its browsable tree, and "
                    + store.location() + " has none (S3)", "snapshot to a local directory or sftp://, or use owui:backup -Dowui.format=3 for S3");
        }
        DecryptionKeys k = keys == null ? DecryptionKeys.none() : keys;
        if (codec.encrypts() && k.isEmpty()) {
            throw new OwuiException("an encrypted format 3 snapshot needs the key to build its plain tree (trees/<id>/), and none was given",
                    "give the passphrase (owui.encryption.serverId or owui.passphraseEnv) or, for a key pair, owui.secretKeyRing;"
                            + " or snapshot without encryption; nothing was captured");
        }
    }

    /** The browsable tree of a format 3 snapshot and the snapshots the rotation removed. */
    public record Finished(BrowsableTrees.Result tree, List<String> removed) {
    }

    /**
     * The second half of every format 3 snapshot, however it was captured (straight into the
     * repository, or staged and imported for cold and paused ones): the browsable tree of backup
     * {@code id}, then the newest {@code keep} backups of either format are kept (which removes
     * the trees of those forgotten).
     */
    public Finished finishFormat3(Target target, Repository repo, String instance, String id, int keep, DecryptionKeys keys, Path scratch) {
        DecryptionKeys k = keys == null ? DecryptionKeys.none() : keys;
        BrowsableTrees trees = BrowsableTrees.of(repo).orElseThrow();
        BrowsableTrees.Result tree;
        try {
            tree = trees.build(id, k);
        } catch (OwuiException e) {
            throw new OwuiException("snapshot " + id + " is stored (owui:restore restores it), but its browsable tree could not be built: "
                    + e.problem() + "; old snapshots were not removed", e.remedy(), e);
        }
        try {
            List<String> removed = MixedPruner.apply(target, repo.store(), instance, Policy.keepLast(keep), ZoneOffset.UTC, id, false, k, scratch, log)
                    .decisions().stream().filter(d -> !d.keep()).map(Decision::backupId).toList();
            return new Finished(tree, removed);
        } catch (OwuiException e) {
            throw new OwuiException("snapshot " + id + " is complete, but removing old snapshots failed: " + e.problem(), e.remedy(), e);
        }
    }
}
