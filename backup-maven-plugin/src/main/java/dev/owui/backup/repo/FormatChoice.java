package dev.owui.backup.repo;

import dev.owui.backup.OwuiException;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;

/**
 * Which format a backup writes at a target ({@code owui.format}): {@code 2} and {@code 3} are
 * taken as given; {@code auto} (the default) writes format 3 unless the target already holds the
 * instance's format 1/2 trees and no repository. A target with old trees keeps getting trees, so
 * an operator's chain of backups (and the retention, restore and {@code cp -a} habits around it)
 * never changes format behind their back; moving is one explicit step, which the log line names.
 * The engine knows no Maven: goals parse the value here and ask per target.
 */
public final class FormatChoice {
    /** The value written on the command line or in a pom, for messages. */
    private final String value;
    /** 2 or 3 when given explicitly; 0 for auto. */
    private final int explicit;

    private FormatChoice(String value, int explicit) {
        this.value = value;
        this.explicit = explicit;
    }

    /** {@code auto} (also for a blank or missing value), {@code 2} or {@code 3}; anything else fails before any work. */
    public static FormatChoice parse(String value) {
        String v = value == null || value.isBlank() ? "auto" : value.trim();
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> new FormatChoice("auto", 0);
            case "2" -> new FormatChoice("2", 2);
            case "3" -> new FormatChoice("3", 3);
            default -> throw new OwuiException("owui.format=" + v + " is not a format this version writes",
                    "use auto (the default: format 3 unless the target holds only format 1/2 backups of the instance), "
                            + "3 (the incremental-forever repository, FORMAT.md) or 2 (a complete tree per backup)");
        };
    }

    /** Whether the operator named a format (2 or 3) rather than leaving it to the target. */
    public boolean isExplicit() {
        return explicit != 0;
    }

    /** The explicit format; only when {@link #isExplicit()}. */
    public int explicitFormat() {
        if (explicit == 0) {
            throw new IllegalStateException("owui.format=auto names no format");
        }
        return explicit;
    }

    @Override
    public String toString() {
        return value;
    }

    /**
     * The format to write at one target: the explicit one, or (auto) what {@link #formatAt} finds
     * there, logging one INFO line when that keeps the target on format 2. Opens the target only
     * for auto, and only to read.
     */
    public int formatFor(TargetSpec spec, TargetContext ctx, String instance, EngineLog log) {
        if (isExplicit()) {
            return explicit;
        }
        try (Target t = Targets.open(spec, ctx); ObjectStore store = RepoStores.open(spec, ctx)) {
            int f = formatAt(t, store, instance);
            if (f == 2) {
                log.info(keepsFormat2(spec, instance));
            }
            return f;
        }
    }

    /**
     * What auto picks at an open target (both views of the same {@code <target>/<instance>/}):
     * 3 when the instance has a repository ({@code repository.json}, with or without trees beside
     * it: the operator has moved) or nothing at all yet; 2 when it has complete format 1/2 trees
     * and no repository. Incomplete trees (an interrupted run) do not count: they are no backups.
     */
    public static int formatAt(Target target, ObjectStore store, String instance) {
        if (store.stat(instance + "/" + Repository.INFO).isPresent()) {
            return 3;
        }
        return target.backups(instance).isEmpty() ? 3 : 2;
    }

    /** The INFO line of a target that keeps format 2: why, and the two ways to move. */
    static String keepsFormat2(TargetSpec spec, String instance) {
        String name = spec.id().equals(spec.url()) ? spec.url() : spec.id() + " (" + spec.url() + ")";
        return "target " + name + " holds format 1/2 backups of instance '" + instance + "' and no format 3 repository: "
                + "this backup is format 2 as well (owui.format=auto). To move to format 3: -Dowui.format=3 writes new backups "
                + "beside the old ones (list, restore, verify and prune read both), or mvn owui:copy -Dowui.toFormat=3 "
                + "-Dowui.from=" + spec.url() + " -Dowui.to=<new target> copies them into a new target";
    }
}
