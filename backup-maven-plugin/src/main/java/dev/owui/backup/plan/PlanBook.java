package dev.owui.backup.plan;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.TargetSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets and plans of an ops pom, checked together: ids are unique, and every target a plan
 * names exists. Resolving a plan gives the target specs it writes, in the order it lists them.
 */
public final class PlanBook {
    private final Map<String, TargetSpec> targets = new LinkedHashMap<>();
    private final Map<String, Plan> plans = new LinkedHashMap<>();

    public PlanBook(List<TargetSpec> targets, List<Plan> plans) {
        for (TargetSpec t : targets == null ? List.<TargetSpec>of() : targets) {
            if (this.targets.put(t.id(), t) != null) {
                throw new OwuiException("two targets have the id '" + t.id() + "'", "give each <target> its own <id>");
            }
        }
        for (Plan p : plans == null ? List.<Plan>of() : plans) {
            if (this.plans.put(p.id(), p) != null) {
                throw new OwuiException("two plans have the id '" + p.id() + "'", "give each <plan> its own <id>");
            }
            List<String> refs = new ArrayList<>(p.targets());
            if (p.copyFrom() != null) {
                refs.add(p.copyFrom());
            }
            for (String ref : refs) {
                if (!this.targets.containsKey(ref)) {
                    throw new OwuiException("plan '" + p.id() + "' names target '" + ref + "', which is not among the <targets>"
                            + (this.targets.isEmpty() ? "" : " (" + String.join(", ", this.targets.keySet()) + ")"),
                            "add a <target> with <id>" + ref + "</id>, or fix the plan");
                }
            }
        }
    }

    public List<Plan> plans() {
        return List.copyOf(plans.values());
    }

    public Map<String, TargetSpec> targets() {
        return Map.copyOf(targets);
    }

    /** The plan with this id; the error lists the plans there are. */
    public Plan plan(String id) {
        Plan p = plans.get(id);
        if (p == null) {
            throw new OwuiException("no plan '" + id + "'" + (plans.isEmpty() ? " (the pom defines no <plans>)" : " (plans: " + String.join(", ", plans.keySet()) + ")"),
                    plans.isEmpty() ? "define <plans> in the plugin's <configuration>, or give -Dowui.target instead" : "use one of those with -Dowui.plan");
        }
        return p;
    }

    /** The target with this id, or a target named by its URL when no target has that id. */
    public TargetSpec target(String idOrUrl) {
        TargetSpec t = targets.get(idOrUrl);
        return t != null ? t : TargetSpec.of(idOrUrl, null);
    }

    /** The specs of the targets a plan writes, in its order. */
    public List<TargetSpec> targetsOf(Plan p) {
        return p.targets().stream().map(targets::get).toList();
    }
}
