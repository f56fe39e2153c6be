package dev.owui.backup.plan;

import dev.owui.backup.capture.CaptureEvents;
import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.capture.CaptureWrapper;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.engine.TreeImport;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import dev.owui.backup.transfer.BackupCopier;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Runs a backup to one or more targets: capture once, store to each. With a single format 2
 * target and a hot capture the backup is written straight to it. Otherwise the instance is
 * captured into a local staging directory (the downtime of a cold capture then ends before any
 * transfer), and that backup goes to each target in turn: copied as a tree to a format 2 target,
 * each sharing what it already holds ({@link BackupCopier}), imported into the instance's
 * repository at a format 3 target, storing only what changed ({@link TreeImport}). Which format a
 * target gets is the caller's choice, per target ({@link Request#format()}). One failing target
 * does not stop the others; retention runs at each target after its backup succeeded, over both
 * formats where the target holds format 3 backups ({@link MixedPruner}).
 *
 * <p>The staging directory keeps only its newest backup, so the next capture shares unchanged
 * files with it by hard link: it costs about one copy of the instance on local disk.
 */
public final class PlanRunner {
    private final EngineLog log;

    public PlanRunner(EngineLog log) {
        this.log = log;
    }

    /**
     * What to run.
     *
     * @param options    the capture's options for a given target (everything but the target is fixed)
     * @param targets    where the backup goes, in order
     * @param opener     opens a target (connecting, for remote ones); a failure counts against that target only
     * @param stagingDir the local directory a capture for several targets (or a cold one) is staged in
     * @param retention  what to keep at each target after its backup succeeded, or null to keep everything
     * @param zone       the time zone retention counts days in
     * @param wrapper    the capture wrapper (cold/paused mode)
     * @param format     the format each target is written in (2: trees, 3: the repository); null: 2
     * @param repositories what format 3 targets need; null when there are none
     * @param captured   told of each file the capture stores (and each database capture begun)
     * @param copied     told of each file copied from the staging directory to a format 2 target
     */
    public record Request(Function<Target, BackupOptions> options, List<TargetSpec> targets, Function<TargetSpec, Target> opener,
                          Path stagingDir, Policy retention, ZoneId zone, CaptureWrapper wrapper, ToIntFunction<TargetSpec> format,
                          Repositories repositories, CaptureEvents captured, CaptureEvents copied) {
        public Request {
            if (targets == null || targets.isEmpty()) {
                throw new OwuiException("no targets to back up to", "give owui.target, or a plan with targets");
            }
            wrapper = wrapper == null ? CaptureWrapper.HOT : wrapper;
            format = format == null ? s -> 2 : format;
            captured = captured == null ? CaptureEvents.NONE : captured;
            copied = copied == null ? CaptureEvents.NONE : copied;
        }

        /** Every target written as format 2 (trees), as before format 3. */
        public Request(Function<Target, BackupOptions> options, List<TargetSpec> targets, Function<TargetSpec, Target> opener,
                       Path stagingDir, Policy retention, ZoneId zone, CaptureWrapper wrapper) {
            this(options, targets, opener, stagingDir, retention, zone, wrapper, null, null, null, null);
        }

        /**
         * The same request with each target written in the format {@code format} gives it (2: a
         * tree per backup; 3: the instance's repository, through {@code repositories}).
         */
        public Request withFormats(ToIntFunction<TargetSpec> format, Repositories repositories) {
            return new Request(options, targets, opener, stagingDir, retention, zone, wrapper, format, repositories, captured, copied);
        }

        /** The same request with observers of the capture's stored files and of the copies to format 2 targets. */
        public Request withEvents(CaptureEvents captured, CaptureEvents copied) {
            return new Request(options, targets, opener, stagingDir, retention, zone, wrapper, format, repositories, captured, copied);
        }

        /** The format {@code spec} is written in: 2 or 3. */
        public int formatOf(TargetSpec spec) {
            int f = format.applyAsInt(spec);
            if (f != 2 && f != 3) {
                throw new IllegalArgumentException("target " + spec.id() + ": format " + f + " is not one a backup writes");
            }
            return f;
        }
    }

    /**
     * What format 3 targets need besides the target itself: their object store (the same folder,
     * {@code RepoStores.open}), how a staged capture is imported (the destination's compression
     * and encryption, the keys that read the staged tree and the repository's encrypted entries),
     * and a local scratch folder for objects being encoded.
     */
    public record Repositories(Function<TargetSpec, ObjectStore> stores, TreeImport.Options imports, Path scratch) {
    }

    /**
     * One target's outcome: stored (and pruned) or the reason it failed. {@code format} is the
     * format it was written in; {@code backupId} the id the backup has there (a format 3 target
     * gives the next free id of the same second when another backup has the staged one), null
     * when nothing was stored; {@code imported} what a format 3 target stored, or null.
     */
    public record TargetOutcome(String id, String location, boolean stored, long bytesSent, long bytesShared, List<String> pruned, String error,
                                int format, String backupId, TreeImport.Result imported) {
        public boolean ok() {
            return error == null;
        }
    }

    /** The capture and every target's outcome. */
    public record Result(BackupResult backup, boolean staged, List<TargetOutcome> targets) {
        public List<TargetOutcome> failed() {
            return targets.stream().filter(t -> !t.ok()).toList();
        }

        /** Fails naming each target that failed (and why), after every target was tried. */
        public void throwIfFailed() {
            List<TargetOutcome> failed = failed();
            if (failed.isEmpty()) {
                return;
            }
            StringBuilder sb = new StringBuilder();
            for (TargetOutcome t : failed) {
                sb.append(sb.length() == 0 ? "" : "; ").append(t.id()).append(": ").append(t.error());
            }
            List<String> ok = targets.stream().filter(t -> t.ok()).map(TargetOutcome::id).toList();
            throw new OwuiException("backup " + backup.manifest().backupId() + " failed at " + failed.size() + " of " + targets.size()
                    + " target(s) (" + sb + ")" + (ok.isEmpty() ? "" : "; stored at " + String.join(", ", ok)),
                    "fix what each failed target names and run again: targets that have it share its files");
        }
    }

    public Result run(Request r) {
        List<Integer> formats = r.targets().stream().map(r::formatOf).toList();
        if (formats.contains(3) && r.repositories() == null) {
            throw new IllegalArgumentException("a format 3 target needs Request.repositories");
        }
        boolean direct = r.targets().size() == 1 && r.wrapper() == CaptureWrapper.HOT && formats.get(0) == 2;
        if (direct) {
            TargetSpec spec = r.targets().get(0);
            try (Target target = r.opener().apply(spec)) {
                BackupResult made = new BackupRunner(log, r.captured()).run(r.options().apply(target));
                String id = made.manifest().backupId();
                Manifest.Totals t = made.manifest().totals();
                return new Result(made, false, List.of(retain(spec, target, null, r, made.manifest().instance(), id, t.bytesWritten(),
                        t.bytesReused(), 2, null)));
            }
        }
        Target staging = Targets.staging(r.stagingDir());
        BackupOptions stagingOptions = r.options().apply(staging);
        if (!formats.contains(2)) {
            // Nothing copies the staged tree as it is: every target re-encodes it into objects. Stored
            // plain, it is read without decoding (and without a key: encryption may be to public
            // keys only), in the staging directory that is as private as the data directory.
            stagingOptions = stagingOptions.withCodec(CodecSettings.plain());
        }
        log.info("capturing into the local staging directory " + r.stagingDir() + ", then storing to "
                + r.targets().stream().map(TargetSpec::id).toList());
        BackupOptions captureOptions = stagingOptions;
        BackupResult made = r.wrapper().around(() -> new BackupRunner(log, r.captured()).run(captureOptions));
        String instance = made.manifest().instance();
        String id = made.manifest().backupId();
        List<TargetOutcome> outcomes = new ArrayList<>();
        // One target failing (even unexpectedly) costs the others nothing: its outcome says why.
        EachTarget.run("target", r.targets(), (spec, i) -> {
            try (Target target = r.opener().apply(spec)) {
                if (formats.get(i) == 3) {
                    return importInto(spec, target, r, staging, instance, id);
                }
                if (target.format3Ids(instance).contains(id)) {
                    throw new OwuiException("backup " + id + " is already at " + target.location() + " as a format 3 backup (another run started in the same second)",
                            "run the backup again: it gets a new id");
                }
                // The staged tree is what the capture wrote: its options say how it is stored.
                BackupCopier copier = new BackupCopier(log, captureOptions.threads(), r.copied(), readKeys(captureOptions));
                BackupCopier.Copied c = (captureOptions.full() ? copier.sharingNothing() : copier).copy(staging, target, instance, made.manifest());
                return retain(spec, target, null, r, instance, id, c.bytesSent(), c.bytesShared(), 2, null);
            }
        }, true, log, o -> outcomes.add(o.ok() ? o.value()
                : new TargetOutcome(o.target().id(), o.target().url(), false, 0, 0, List.of(), o.error(), formats.get(outcomes.size()), null, null)));
        try {
            // Only the newest staged backup is worth keeping: the next capture shares its files.
            Pruner.apply(staging, instance, Policy.keepLast(1), java.time.ZoneOffset.UTC, id, false, EngineLog.SILENT);
        } catch (OwuiException e) {
            log.warn("could not trim the staging directory " + r.stagingDir() + ": " + e.getMessage());
        }
        return new Result(made, true, List.copyOf(outcomes));
    }

    /** The staged backup {@code id} as a new backup of the instance's repository at a format 3 target, then retention there. */
    private TargetOutcome importInto(TargetSpec spec, Target target, Request r, Target staging, String instance, String id) {
        Repositories repos = r.repositories();
        try (ObjectStore store = repos.stores().apply(spec)) {
            Repository repo = RepoStores.repository(store, instance, repos.scratch(), log);
            TreeImport.Result imported = new TreeImport(log).runAsNewBackup(staging, instance, id, repo, repos.imports(), target);
            return retain(spec, target, store, r, instance, imported.backupId(), imported.bytesWritten(),
                    imported.head().totals().bytesReused(), 3, imported);
        }
    }

    /** What opens the manifests of earlier backups at a target: the passphrase, when files are encrypted to one. */
    private static DecryptionKeys readKeys(BackupOptions o) {
        return o.codec() == null || o.codec().encryption() == null ? null : o.codec().encryption().passphraseForReading();
    }

    /**
     * Applies the plan's retention at a target that now holds backup {@code id}: over both formats
     * when the target holds format 3 backups ({@code store} is its object store, or null to open
     * one only then), else over its trees.
     */
    private TargetOutcome retain(TargetSpec spec, Target target, ObjectStore store, Request r, String instance, String id, long sent,
                                 long shared, int format, TreeImport.Result imported) {
        if (r.retention() == null) {
            return new TargetOutcome(spec.id(), target.location(), true, sent, shared, List.of(), null, format, id, imported);
        }
        try {
            List<Decision> decisions;
            if (r.repositories() != null && (store != null || !target.format3Ids(instance).isEmpty())) {
                Repositories repos = r.repositories();
                try (ObjectStore opened = store == null ? repos.stores().apply(spec) : null) {
                    decisions = MixedPruner.apply(target, store == null ? opened : store, instance, r.retention(), r.zone(), id, false,
                            repos.imports().keys(), repos.scratch(), log).decisions();
                }
            } else {
                decisions = Pruner.apply(target, instance, r.retention(), r.zone(), id, false, log);
            }
            List<String> removed = decisions.stream().filter(d -> !d.keep()).map(Decision::backupId).toList();
            return new TargetOutcome(spec.id(), target.location(), true, sent, shared, removed, null, format, id, imported);
        } catch (OwuiException e) {
            return new TargetOutcome(spec.id(), target.location(), true, sent, shared, List.of(),
                    "backup " + id + " is stored, but retention (" + r.retention() + ") failed: " + e.getMessage(), format, id, imported);
        }
    }
}
