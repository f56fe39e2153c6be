package dev.owui.backup.maven;

import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.Target;
import dev.owui.backup.OwuiException;
import dev.owui.backup.plan.Plan;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.maven.plugins.annotations.Parameter;

/** Goals that work on backups at a target named by {@code owui.target} (list and verify: or at each target of {@code owui.plan}). */
abstract class AbstractTargetMojo extends AbstractOwuiMojo {

    /**
     * Where backups are kept: a directory (local disk or a mounted NAS) or a {@code file:} URL; a
     * snapshot directory works too. Relative paths are resolved against the project's directory,
     * or the current directory when run without a pom.
     */
    @Parameter(property = "owui.target")
    protected String target;

    /** The target of owui.target; fails when it is not there (see {@link #existing}). */
    protected Target target() {
        return existing(target(target));
    }

    /**
     * {@code t} when it exists, else closes it and fails: these goals only read a target, so a
     * missing one is a mistyped path, an unmounted NAS or a wrong bucket/prefix, never "no backups"
     * (owui:backup creates its target instead).
     */
    protected Target existing(Target t) {
        boolean there;
        try {
            there = t.exists();
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        if (!there) {
            String where = t.location();
            if (t instanceof LocalTarget local && !local.root().toString().equals(where)) {
                where += " (" + local.root() + ")";
            }
            t.close();
            throw new OwuiException("target " + where + " does not exist",
                    "check the path or URL for a typo, that the NAS is mounted, or the bucket and prefix;"
                            + " owui:" + goal() + " only reads a target, owui:backup creates one");
        }
        return t;
    }

    /**
     * The targets the goal works on: owui.target, or else every target of owui.plan (a copy plan's
     * source first, then its destinations).
     */
    protected List<TargetSpec> targetSpecs() {
        if ((target == null || target.isBlank()) && plan != null && !plan.isBlank()) {
            PlanBook book = planBook();
            Plan p = book.plan(plan);
            List<TargetSpec> specs = new ArrayList<>();
            if (p.copyFrom() != null) {
                specs.add(book.targets().get(p.copyFrom()));
            }
            specs.addAll(book.targetsOf(p));
            return specs;
        }
        return List.of(targetSpec(target));
    }

    /**
     * Runs {@code work} at each of {@link #targetSpecs()}: one target failing does not stop the
     * others, and the goal then fails naming each that failed.
     */
    protected void forEachTarget(BiConsumer<TargetSpec, Target> work) {
        forEachTarget(targetSpecs(), work);
    }

    /** {@link #forEachTarget(BiConsumer)} over the given targets. */
    protected void forEachTarget(List<TargetSpec> specs, BiConsumer<TargetSpec, Target> work) {
        if (specs.size() == 1) {
            Map<String, Object> entry = reportTarget(specs.get(0));
            try (Target t = existing(Targets.open(specs.get(0), targetContext()))) {
                work.accept(specs.get(0), t);
            } catch (RuntimeException e) {
                failed(entry, e);
                throw e;
            }
            return;
        }
        List<String> failed = new ArrayList<>();
        for (TargetSpec spec : specs) {
            Map<String, Object> entry = reportTarget(spec);
            try (Target t = existing(Targets.open(spec, targetContext()))) {
                engineLog().info("target " + spec.id() + " (" + t.location() + "):");
                work.accept(spec, t);
            } catch (OwuiException e) {
                failed(entry, e);
                engineLog().warn("target " + spec.id() + ": " + e.getMessage());
                failed.add(spec.id() + " (" + e.problem() + ")");
            } catch (RuntimeException e) {
                failed(entry, e);
                throw e;
            }
        }
        if (!failed.isEmpty()) {
            throw new OwuiException("owui:" + goal() + " failed at " + failed.size() + " of " + specs.size() + " target(s): " + String.join("; ", failed),
                    "see each target's lines above");
        }
    }

    private Map<String, Object> currentTarget;

    /**
     * The JSON report's entry of the target being worked on (its {@code targets} list, one entry
     * per target even for one): id, url, result, and what the goal puts there.
     */
    protected Map<String, Object> targetReport() {
        return currentTarget;
    }

    /** Starts the report entry of a target: success until its work fails. */
    protected Map<String, Object> reportTarget(TargetSpec spec) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", spec.id());
        entry.put("url", spec.url());
        entry.put("result", "success");
        report().list("targets").add(entry);
        currentTarget = entry;
        return entry;
    }

    /** Marks a target's report entry failed, with the error as the envelope has it. */
    protected static void failed(Map<String, Object> entry, RuntimeException e) {
        entry.put("result", "failure");
        Map<String, Object> error = new LinkedHashMap<>();
        if (e instanceof OwuiException o) {
            error.put("message", o.problem());
            error.put("advice", o.remedy());
        } else {
            error.put("message", "unexpected error: " + e);
        }
        entry.put("error", error);
    }
}
