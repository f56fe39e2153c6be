package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.capture.CaptureWrapper;
import dev.owui.backup.quiesce.Quiesce;
import dev.owui.backup.quiesce.QuiescedRun;
import dev.owui.backup.quiesce.Quiescer;
import dev.owui.backup.report.EngineLog;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A cold or paused capture: stop → capture → start around the capture alone (the plan runner
 * stages it locally, so transfers to the targets run after the start). What it went through (the
 * downtime, a start command that failed) is read once the capture is over and becomes part of
 * the goal's result: a failed start fails the goal after the backup is stored, as the backup is
 * good but the instance may be down.
 */
final class QuiescedCapture implements CaptureWrapper {
    private final Quiesce quiesce;
    private final EngineLog log;
    private QuiescedRun<BackupResult> run;

    QuiescedCapture(Quiesce quiesce, EngineLog log) {
        this.quiesce = quiesce;
        this.log = log;
    }

    @Override
    public BackupResult around(Supplier<BackupResult> capture) {
        run = new Quiescer(log).run(quiesce, capture::get);
        return run.value();
    }

    /** How long the instance was stopped or frozen; null when the capture never ran. */
    Duration downtime() {
        return run == null ? null : run.downtime();
    }

    /** The failure of a start command after backup {@code backupId} was made, or null when it started. */
    OwuiException startFailure(String backupId) {
        if (run == null || !run.startFailed()) {
            return null;
        }
        return new OwuiException("backup " + backupId + " is complete, but the start command failed (" + run.start().summary()
                + "): Open WebUI may still be " + (quiesce.what().equals("paused") ? "frozen" : "stopped"),
                "start it by hand: " + quiesce.start().describe());
    }
}
