package dev.owui.backup.plan;

import dev.owui.backup.OwuiException;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The step a plan's run repeats for each of its targets (backup's targets, copy's destinations):
 * run the work there, keep its outcome, and go on to the next even when one fails, so that one
 * unreachable target never costs the others their backup. A failure is logged once, naming the
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

    /**
     * Runs {@code work} at each target in order. An {@link OwuiException} at one is logged as
     * "{@code noun} id: message" and becomes its outcome; so does any other RuntimeException when
     * {@code containUnexpected} ("{@code noun} id failed unexpectedly: …"), else it ends the run
     * there (a bug stops everything, as outside a plan). Each outcome goes to {@code done} as it is
     * known, so a caller still has the finished ones when an unexpected error ends the run.
     */
    public static <R> List<Outcome<R>> run(String noun, List<TargetSpec> targets, Work<R> work, boolean containUnexpected, EngineLog log,
                                           Consumer<Outcome<R>> done) {
        List<Outcome<R>> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            TargetSpec t = targets.get(i);
            Outcome<R> o;
            try {
                o = new Outcome<>(t, work.run(t, i), null);
            } catch (OwuiException e) {
                log.warn(noun + " " + t.id() + ": " + e.getMessage());
                o = new Outcome<>(t, null, e);
            } catch (RuntimeException e) {
                if (!containUnexpected) {
                    throw e;
                }
                log.warn(noun + " " + t.id() + " failed unexpectedly: " + e);
                o = new Outcome<>(t, null, e);
            }
            out.add(o);
            done.accept(o);
        }
        return out;
    }
}
