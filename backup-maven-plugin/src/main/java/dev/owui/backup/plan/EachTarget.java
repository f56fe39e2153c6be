package dev.owui.backup.plan;

import dev.owui.backup.OwuiException;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The step a run repeats for each of its targets (backup's targets, copy's destinations, the
 * reading goals' targets through {@code app.PerTarget}): run the work there, keep its outcome, and
 * go on to the next even when one fails, so that one unreachable target never costs the others
 * their backup. A failure is logged once, naming the
 * target, and kept as that target's outcome for the result, the report and the notification.
 */
public final class EachTarget {
    private EachTarget() {
    }

    /** The work at one target; {@code index} is its place in the list (for what the caller decided per target). */
    @FunctionalInterface
    public interface Work<R> {
        R run(TargetSpec target, int index);
    }

    /**
     * One target's outcome: what the work returned, or the failure that ended it there (then
     * {@code value} is null).
     */
    public record Outcome<R>(TargetSpec target, R value, RuntimeException failure) {
        public boolean ok() {
            return failure == null;
        }

        /** The failure as one line: an expected failure's message, or "unexpected error: …". */
        public String error() {
            return failure == null ? null : failure instanceof OwuiException ? failure.getMessage() : "unexpected error: " + failure;
        }
    }

    /** What an unexpected failure at a target (any RuntimeException but an {@link OwuiException}) does to the run. */
    public enum Unexpected {
        /** Ends the run there, thrown as it is, no outcome kept for it: a bug stops everything, as outside a plan. */
        THROW,
        /** Becomes the target's outcome (to {@code done}, not warned of), and the run ends after it. */
        STOP,
        /** Becomes the target's outcome, warned of as "{@code noun} id failed unexpectedly: …", and the run goes on. */
        CONTAIN
    }

    /**
     * How a run treats a failing target.
     *
     * @param unexpected    what an unexpected failure does
     * @param warnAlone     warn of a failure also when the run has one target (a reading goal then fails with
     *                      that target's own error, so a warning would say it twice)
     * @param warnAfterDone warn after {@code done} has the outcome (a reading goal's renderer prints the target's
     *                      summary first), not before
     */
    public record Failures(Unexpected unexpected, boolean warnAlone, boolean warnAfterDone) {
        /** A plan's backup or copy: every failure warned of as it happens. */
        public static Failures of(boolean containUnexpected) {
            return new Failures(containUnexpected ? Unexpected.CONTAIN : Unexpected.THROW, true, false);
        }
    }

    /**
     * Runs {@code work} at each target in order. An {@link OwuiException} at one is logged as
     * "{@code noun} id: message" and becomes its outcome; so does any other RuntimeException when
     * {@code containUnexpected} ("{@code noun} id failed unexpectedly: …"), else it ends the run
     * there (a bug stops everything, as outside a plan). Each outcome goes to {@code done} as it is
     * known, so a caller still has the finished ones when an unexpected error ends the run.
     */
    public static <R> List<Outcome<R>> run(String noun, List<TargetSpec> targets, Work<R> work, boolean containUnexpected, EngineLog log,
                                           Consumer<Outcome<R>> done) {
        return run(noun, targets, work, Failures.of(containUnexpected), log, done);
    }

    /** Runs {@code work} at each target in order, failures treated as {@code failures} says (see {@link #run(String, List, Work, boolean, EngineLog, Consumer)}). */
    public static <R> List<Outcome<R>> run(String noun, List<TargetSpec> targets, Work<R> work, Failures failures, EngineLog log,
                                           Consumer<Outcome<R>> done) {
        List<Outcome<R>> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            TargetSpec t = targets.get(i);
            Outcome<R> o;
            String warning = null;
            boolean stop = false;
            try {
                o = new Outcome<>(t, work.run(t, i), null);
            } catch (OwuiException e) {
                warning = noun + " " + t.id() + ": " + e.getMessage();
                o = new Outcome<>(t, null, e);
            } catch (RuntimeException e) {
                if (failures.unexpected() == Unexpected.THROW) {
                    throw e;
                }
                stop = failures.unexpected() == Unexpected.STOP;
                warning = stop ? null : noun + " " + t.id() + " failed unexpectedly: " + e;
                o = new Outcome<>(t, null, e);
            }
            boolean warn = warning != null && (failures.warnAlone() || targets.size() > 1);
            if (warn && !failures.warnAfterDone()) {
                log.warn(warning);
            }
            out.add(o);
            done.accept(o);
            if (warn && failures.warnAfterDone()) {
                log.warn(warning);
            }
            if (stop) {
                break;
            }
        }
        return out;
    }
}
