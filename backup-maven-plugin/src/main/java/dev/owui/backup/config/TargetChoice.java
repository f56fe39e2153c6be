package dev.owui.backup.config;

/**
 * Which targets a reading goal (verify, prune, list, diff) works on, as the operator named them:
 * owui.target (a pom target's id or a URL), or owui.plan (every target of the plan). Which of the
 * two wins is the goal's plan resolution ({@link Jobs#read}, {@link Jobs#prune}).
 *
 * @param target owui.target, or null
 * @param plan   owui.plan, or null
 */
public record TargetChoice(String target, String plan) {

    /** True when owui.plan names a plan. */
    public boolean hasPlan() {
        return plan != null && !plan.isBlank();
    }

    /** True when owui.target names a target. */
    public boolean hasTarget() {
        return target != null && !target.isBlank();
    }
}
