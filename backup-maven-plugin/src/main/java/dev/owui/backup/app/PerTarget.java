package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import dev.owui.backup.plan.EachTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a reading goal's work at each of its targets: one target failing does not stop the others,
 * and the goal then fails naming each that failed. What happened at each target is returned as
 * data ({@link Outcome}); each outcome is also handed to a listener as soon as its target is done,
 * so a renderer prints a target's summary right after that target's own progress lines.
 */
public final class PerTarget {
    private PerTarget() {
    }

    /** A goal's work at one opened (and existing) target. */
    @FunctionalInterface
    public interface Work<R> {
        R run(TargetSpec spec, Target target);
    }

    /**
     * What happened at one target.
     *
     * @param spec     the target
     * @param location where it is (as the target says), or null when it could not be opened
     * @param value    what the work returned, or null when it failed before returning
     * @param error    why the target failed, or null; with a value, the value is what the failing
     *                 target found (verify: its damaged backups)
     */
    public record Outcome<R>(TargetSpec spec, String location, R value, RuntimeException error) {
        public boolean failed() {
            return error != null;
        }
    }

    /**
     * Every target's outcome, in the order they ran; the goal fails with {@link #throwIfFailed}.
     *
     * @param goal    the goal's name, for the failure message
     * @param targets how many targets the run had (a run stopped by an unexpected error has fewer outcomes)
     */
    public record Outcomes<R>(String goal, int targets, List<Outcome<R>> outcomes) {
        public Outcomes {
            outcomes = List.copyOf(outcomes);
        }

        /** The values of the targets that got that far. */
        public List<R> values() {
            return outcomes.stream().map(Outcome::value).filter(v -> v != null).toList();
        }

        /**
         * Fails the goal: one target's own error as it is, an unexpected error as it is, and for
         * several targets one message naming each that failed.
         */
        public void throwIfFailed() {
            List<Outcome<R>> failed = outcomes.stream().filter(Outcome::failed).toList();
            if (failed.isEmpty()) {
                return;
            }
            RuntimeException unexpected = failed.stream().map(Outcome::error).filter(e -> !(e instanceof OwuiException)).findFirst().orElse(null);
            if (unexpected != null) {
                throw unexpected;
            }
            if (targets == 1) {
                throw failed.get(0).error();
            }
            List<String> named = failed.stream().map(o -> o.spec().id() + " (" + ((OwuiException) o.error()).problem() + ")").toList();
            throw new OwuiException("owui:" + goal + " failed at " + failed.size() + " of " + targets + " target(s): " + String.join("; ", named),
                    "see each target's lines above");
        }
    }

    /**
     * A reading goal's failures: an unexpected one ends the run (a bug is not a target's problem);
     * one target's failure is not warned of (the goal fails with it), and with several each is
     * warned of after its target's summary.
     */
    private static final EachTarget.Failures READING = new EachTarget.Failures(EachTarget.Unexpected.STOP, false, true);

    /**
     * Runs {@code work} at each target in turn ({@link EachTarget}). {@code verdict} judges a returned value (null: it
     * passed); an {@link OwuiException} fails that target only, anything else stops the run (a bug
     * is not a target's problem). With several targets each is announced and each failure warned
     * of as it happens.
     */
    public static <R> Outcomes<R> run(RunContext c, String goal, List<TargetSpec> specs, Work<R> work,
                                      java.util.function.Function<R, OwuiException> verdict, Consumer<Outcome<R>> each) {
        boolean several = specs.size() > 1;
        // Kept per target beside EachTarget's outcome: where it is, and what a failing verdict judged.
        String[] locations = new String[specs.size()];
        List<R> values = new ArrayList<>(Collections.nCopies(specs.size(), null));
        List<Outcome<R>> outcomes = new ArrayList<>();
        EachTarget.run("target", specs, (spec, i) -> {
            try (Target t = existing(goal, Targets.open(spec, c.targets()))) {
                locations[i] = t.location();
                if (several) {
                    c.log().info("target " + spec.id() + " (" + locations[i] + "):");
                }
                R value = work.run(spec, t);
                values.set(i, value);
                OwuiException failed = verdict == null ? null : verdict.apply(value);
                if (failed != null) {
                    throw failed;
                }
                return value;
            }
        }, READING, c.log(), o -> {
            int i = outcomes.size();
            Outcome<R> done = new Outcome<>(o.target(), locations[i], values.get(i), o.failure());
            outcomes.add(done);
            each.accept(done);
        });
        return new Outcomes<>(goal, specs.size(), outcomes);
    }

    /**
     * {@code t} when it exists, else closes it and fails: the reading goals only read a target,
     * so a missing one is a mistyped path, an unmounted NAS or a wrong bucket/prefix, never "no
     * backups" (owui:backup creates its target instead).
     */
    public static Target existing(String goal, Target t) {
        boolean there;
        try {
            there = t.exists();
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        if (!there) {
            String where = t.location();
            String root = t.localRoot().map(Object::toString).orElse(where);
            if (!root.equals(where)) {
                where += " (" + root + ")"; // a relative path as given, and where it resolved to
            }
            t.close();
            throw new OwuiException("target " + where + " does not exist",
                    "check the path or URL for a typo, that the NAS is mounted, or the bucket and prefix;"
                            + " owui:" + goal + " only reads a target, owui:backup creates one");
        }
        return t;
    }
}
