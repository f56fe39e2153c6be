package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.config.CopyConfig;
import dev.owui.backup.config.InstallCronConfig;
import dev.owui.backup.chats.ChatExportResult;
import dev.owui.backup.config.DiffConfig;
import dev.owui.backup.config.ExportChatsConfig;
import dev.owui.backup.config.ListConfig;
import dev.owui.backup.config.PruneConfig;
import dev.owui.backup.config.RestoreConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.config.VerifyConfig;
import dev.owui.backup.diff.DiffResult;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.notify.Notifications;
import dev.owui.backup.notify.Report;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.store.LockInfo;
import dev.owui.backup.store.TargetSpec;
import java.time.Duration;
import java.time.Instant;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The product's one entry point: one method per goal. Each takes the goal's configuration (built
 * and validated once by its adapter), resolves plans, runs the targets, sends the notifications and
 * returns what happened as data (a result record). It formats no console text: the goal's renderer
 * (render/) turns the result into log lines and the JSON report; the notification is built here from
 * the same result, so all three say the same. Goals that notify (backup, snapshot, copy) build their
 * configuration through {@link #setUp}, so a bad setting found before any work is notified too.
 * Maven-free: the Mojos are thin adapters over it, and tests drive it directly.
 */
public final class Owui {
    private final RunContext context;
    private final Notifications notifications;

    public Owui(RunContext context, Notifications notifications) {
        this.context = context;
        this.notifications = notifications;
    }

    public RunContext context() {
        return context;
    }

    public Notifications notifications() {
        return notifications;
    }

    // --- backup, snapshot ---

    /** owui:backup: to a plan's targets or one target; the result says what each target got (or why it failed). */
    public BackupOutcome backup(dev.owui.backup.config.BackupConfig c) {
        Instant startedAt = Instant.now();
        BackupOutcome o = new BackupGoal(context).run(c);
        List<String> urls = o.targets() == null ? List.of() : o.targets().stream().map(TargetSpec::url).toList();
        Report.Builder report = Report.run(o.instance(), o.plan(), urls, LockInfo.hostName(), o.mode() == null ? Plan.HOT : o.mode(), startedAt);
        notifications.send(o.failed() ? failed(report, startedAt, o.failure()) : made(report, o).success(Duration.between(startedAt, Instant.now())));
        return o;
    }

    /** What a backup that succeeded made: the direct backup, the first of a direct one per target, or the staged capture. */
    private static Report.Builder made(Report.Builder report, BackupOutcome o) {
        if (o.direct() != null || !o.directs().isEmpty()) {
            RepoBackupRunner.Result r = o.direct() != null ? o.direct().backup() : o.firstOfDirects();
            Manifest.Totals t = r.head().totals();
            return report.made(r.backupId(), t.files(), t.bytes(), r.bytesWritten()).warnings(r.warnings().size());
        }
        Manifest.Totals t = o.staged().backup().manifest().totals();
        return report.made(o.staged().backup().manifest().backupId(), t.files(), t.bytes(),
                        o.imported() == null ? t.bytesWritten() : o.imported().bytesWritten())
                .downtime(o.downtime()).warnings(o.staged().backup().warnings().size());
    }

    /**
     * owui:snapshot: a snapshot in the snapshot directory, then its rotation; the notification sent
     * (mode "snapshot"): a scheduled rotation runs unattended as a backup does.
     */
    public SnapshotOutcome snapshot(dev.owui.backup.config.SnapshotConfig c) {
        Instant startedAt = Instant.now();
        List<String> where = new ArrayList<>();
        try {
            where.add(context.targetSpec().apply(c.snapshotDir()).url());
        } catch (RuntimeException e) {
            // the goal fails on the same spec right away, and says why; the report names no place
        }
        Report.Builder report = Report.run(context.instance(), null, where, LockInfo.hostName(), "snapshot", startedAt);
        SnapshotOutcome o;
        try {
            o = new SnapshotGoal(context).run(c);
        } catch (RuntimeException e) {
            notifications.send(failed(report, startedAt, e));
            throw e;
        }
        if (o.failed()) {
            notifications.send(failed(report, startedAt, o.failure()));
        } else {
            SnapshotOutcome.Made m = o.made();
            notifications.send(report.made(m.backupId(), m.files(), m.bytes(), m.written()).downtime(o.downtime()).warnings(m.warnings())
                    .success(Duration.between(startedAt, Instant.now())));
        }
        return o;
    }

    // --- set-up of a notifying goal (backup, snapshot, copy) ---

    /**
     * Runs the set-up of a notifying goal, building its context and configuration, inside the
     * goal's notification scope: a passphrase variable cron's environment lacks, or a mistyped
     * owui.toFormat or owui.mode, fails an unattended run as surely as a full disk, so it is sent
     * as the run's failure ({@code instance}, {@code plan} and {@code mode} as asked; no targets:
     * none were resolved), then thrown as it is.
     */
    public static <T> T setUp(Notifications notifications, String instance, String plan, String mode, Supplier<T> step) {
        Instant startedAt = Instant.now();
        try {
            return step.get();
        } catch (RuntimeException e) {
            notifications.send(failed(Report.run(instance, plan, List.of(), LockInfo.hostName(), mode, startedAt), startedAt, e));
            throw e;
        }
    }

    /** The notification of a run begun at {@code startedAt} that failed with {@code e}: the backup, snapshot and copy goals' and their set-up's. */
    static Report failed(Report.Builder report, Instant startedAt, RuntimeException e) {
        return report.failure(Duration.between(startedAt, Instant.now()), errorLine(e));
    }

    /** A failure as a notification's one line: an expected failure's message, anything else as an unexpected error. */
    static String errorLine(RuntimeException e) {
        return e instanceof OwuiException ? e.getMessage() : "unexpected error: " + e;
    }

    // --- install-cron ---

    /**
     * Puts the plans' schedules on the selected hosts (or removes them), telling {@code progress}
     * of each host as it finishes; sends no notification: it is set-up, not a backup run.
     */
    public InstallCronResult installCron(InstallCronConfig config, InstallCronProgress progress) {
        return InstallCronGoal.run(context, config, progress);
    }

    // --- copy ---

    /** owui:copy: backups from one target to others, a copy plan's retention at each; the notification sent. */
    public CopyResult copy(CopyConfig config) {
        Instant startedAt = Instant.now();
        CopyResult r = new CopyGoal(context).run(config);
        RuntimeException e = r.failure();
        Report.Builder report = Report.run(r.instance(), r.plan(), r.where(), LockInfo.hostName(), "copy", startedAt);
        notifications.send(e == null ? report.made(r.newest(), r.files(), r.bytesTotal(), r.bytesSent()).success(Duration.between(startedAt, Instant.now()))
                : failed(report, startedAt, e));
        return r;
    }

    // --- verify, prune, list, diff (per target), restore, export-chats ---
    // The per-target goals hand each target's outcome to {@code each} as soon as that target is
    // done, so its summary follows its own progress lines; the returned outcomes fail the goal
    // (throwIfFailed) after the report is complete.

    public PerTarget.Outcomes<VerifyGoal.Verified> verify(VerifyConfig c, Consumer<PerTarget.Outcome<VerifyGoal.Verified>> each) {
        return new VerifyGoal(context).run(c, each);
    }

    public PerTarget.Outcomes<PruneGoal.Pruned> prune(PruneConfig c, Consumer<PerTarget.Outcome<PruneGoal.Pruned>> each) {
        return new PruneGoal(context).run(c, each);
    }

    public PerTarget.Outcomes<ListGoal.Listed> list(ListConfig c, Consumer<PerTarget.Outcome<ListGoal.Listed>> each) {
        return new ListGoal(context).run(c, each);
    }

    public PerTarget.Outcomes<DiffResult> diff(DiffConfig c, Consumer<PerTarget.Outcome<DiffResult>> each) {
        return new DiffGoal(context).run(c, each);
    }

    public RestoreGoal.Restored restore(RestoreConfig c) {
        return new RestoreGoal(context).run(c);
    }

    /** Writes the chats to the configured file, or to {@code stdout} (left open) for owui.output=-. */
    public ChatExportResult exportChats(ExportChatsConfig c, OutputStream stdout) {
        return new ExportChatsGoal(context).run(c, stdout);
    }
}
