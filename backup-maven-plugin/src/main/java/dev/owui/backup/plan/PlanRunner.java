package dev.owui.backup.plan;

import dev.owui.backup.OwuiException;
import dev.owui.backup.backup.BackupOptions;
import dev.owui.backup.backup.BackupResult;
import dev.owui.backup.backup.BackupRunner;
import dev.owui.backup.backup.CaptureWrapper;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.transfer.BackupCopier;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a backup to one or more targets: capture once, store to each. With a single target and a
 * hot capture the backup is written straight to it. Otherwise the instance is captured into a
 * local staging directory (the downtime of a cold capture then ends before any transfer), and
 * that backup is copied to each target in turn, each sharing what it already holds. One failing
 * target does not stop the others; retention runs at each target after its copy succeeded.
 *
 * <p>The staging directory keeps only its newest backup, so the next capture shares unchanged
 * files with it by hard link: it costs about one copy of the instance on local disk.
 */
public final class PlanRunner {
    private final EngineLog log;
    private final BackupRunner.Listener listener;
    private final BackupRunner.Listener copyListener;

    public PlanRunner(EngineLog log) {
        this(log, BackupRunner.Listener.NONE, BackupRunner.Listener.NONE);
    }

    /** With listeners told of every file captured and every file copied to a target (for tests). */
    public PlanRunner(EngineLog log, BackupRunner.Listener listener, BackupRunner.Listener copyListener) {
        this.log = log;
        this.listener = listener;
        this.copyListener = copyListener;
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
     */
    public record Request(Function<Target, BackupOptions> options, List<TargetSpec> targets, Function<TargetSpec, Target> opener,
                          Path stagingDir, Policy retention, ZoneId zone, CaptureWrapper wrapper) {
        public Request {
            if (targets == null || targets.isEmpty()) {
                throw new OwuiException("no targets to back up to", "give owui.target, or a plan with targets");
            }
            wrapper = wrapper == null ? CaptureWrapper.HOT : wrapper;
        }
    }

    /** One target's outcome: stored (and pruned) or the reason it failed. */
    public record TargetOutcome(String id, String location, boolean stored, long bytesSent, long bytesShared, List<String> pruned, String error) {
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
        boolean direct = r.targets().size() == 1 && r.wrapper() == CaptureWrapper.HOT;
        if (direct) {
            TargetSpec spec = r.targets().get(0);
            try (Target target = r.opener().apply(spec)) {
                BackupResult made = new BackupRunner(log, listener).run(r.options().apply(target));
                String id = made.manifest().backupId();
                Manifest.Totals t = made.manifest().totals();
                return new Result(made, false, List.of(retain(spec, target, r, made.manifest().instance(), id, t.bytesWritten(), t.bytesReused())));
            }
        }
        Target staging = new LocalTarget(r.stagingDir(), "staging " + r.stagingDir(), false);
        BackupOptions stagingOptions = r.options().apply(staging);
        log.info("capturing into the local staging directory " + r.stagingDir() + ", then storing to "
                + r.targets().stream().map(TargetSpec::id).toList());
        BackupResult made = r.wrapper().around(() -> new BackupRunner(log, listener).run(stagingOptions));
        String instance = made.manifest().instance();
        String id = made.manifest().backupId();
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (TargetSpec spec : r.targets()) {
            try (Target target = r.opener().apply(spec)) {
                BackupCopier copier = new BackupCopier(log, stagingOptions.threads(), copyListener, readKeys(stagingOptions));
                BackupCopier.Copied c = (stagingOptions.full() ? copier.sharingNothing() : copier).copy(staging, target, instance, made.manifest());
                outcomes.add(retain(spec, target, r, instance, id, c.bytesSent(), c.bytesShared()));
            } catch (OwuiException e) {
                log.warn("target " + spec.id() + ": " + e.getMessage());
                outcomes.add(new TargetOutcome(spec.id(), spec.url(), false, 0, 0, List.of(), e.getMessage()));
            } catch (RuntimeException e) {
                log.warn("target " + spec.id() + " failed unexpectedly: " + e);
                outcomes.add(new TargetOutcome(spec.id(), spec.url(), false, 0, 0, List.of(), "unexpected error: " + e));
            }
        }
        try {
            // Only the newest staged backup is worth keeping: the next capture shares its files.
            Pruner.apply(staging, instance, Policy.keepLast(1), java.time.ZoneOffset.UTC, id, false, EngineLog.SILENT);
        } catch (OwuiException e) {
            log.warn("could not trim the staging directory " + r.stagingDir() + ": " + e.getMessage());
        }
        return new Result(made, true, List.copyOf(outcomes));
    }

    /** What opens the manifests of earlier backups at a target: the passphrase, when files are encrypted to one. */
    private static DecryptionKeys readKeys(BackupOptions o) {
        return o.codec() == null || o.codec().encryption() == null ? null : o.codec().encryption().passphraseForReading();
    }

    /** Applies the plan's retention at a target that now holds backup {@code id}. */
    private TargetOutcome retain(TargetSpec spec, Target target, Request r, String instance, String id, long sent, long shared) {
        if (r.retention() == null) {
            return new TargetOutcome(spec.id(), target.location(), true, sent, shared, List.of(), null);
        }
        try {
            List<String> removed = Pruner.apply(target, instance, r.retention(), r.zone(), id, false, log).stream()
                    .filter(d -> !d.keep()).map(Decision::backupId).toList();
            return new TargetOutcome(spec.id(), target.location(), true, sent, shared, removed, null);
        } catch (OwuiException e) {
            return new TargetOutcome(spec.id(), target.location(), true, sent, shared, List.of(),
                    "backup " + id + " is stored, but retention (" + r.retention() + ") failed: " + e.getMessage());
        }
    }
}
