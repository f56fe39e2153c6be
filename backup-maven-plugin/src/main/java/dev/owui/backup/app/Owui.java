package dev.owui.backup.app;

import dev.owui.backup.chats.ChatExportResult;
import dev.owui.backup.config.DiffConfig;
import dev.owui.backup.config.ExportChatsConfig;
import dev.owui.backup.config.ListConfig;
import dev.owui.backup.config.PruneConfig;
import dev.owui.backup.config.RestoreConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.config.VerifyConfig;
import dev.owui.backup.diff.DiffResult;
import dev.owui.backup.notify.Notifications;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * The product's one entry point: one method per goal. Each takes the goal's configuration (built
 * and validated once by its adapter), resolves plans, runs the targets, sends the notifications and
 * returns what happened as data (a result record). It formats no console text: the goal's renderer
 * turns the result into log lines, the JSON report and the notification, so all three say the same.
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
