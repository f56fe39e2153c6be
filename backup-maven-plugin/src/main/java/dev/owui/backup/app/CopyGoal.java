package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.config.CopyConfig;
import dev.owui.backup.config.Jobs;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.plan.EachTarget;
import dev.owui.backup.repo.RepoAtTarget;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.copy.MixedCopy;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.retention.MixedPruner;
import dev.owui.backup.retention.Policy;
import dev.owui.backup.retention.Pruner;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * owui:copy: complete backups from one target to others (the weekly copy pulled to the NAS), each
 * destination in turn ({@link EachTarget}: one failing does not stop the others), with a copy
 * plan's retention applied at each. The copying itself is {@link MixedCopy}'s. Never throws: what
 * went wrong is in the result, which the caller renders before it throws.
 */
final class CopyGoal {
    private final RunContext ctx;

    CopyGoal(RunContext ctx) {
        this.ctx = ctx;
    }

    CopyResult run(CopyConfig c) {
        Jobs.CopyJob route = null;
        List<String> chosen = null;
        List<CopyResult.Destination> done = new ArrayList<>();
        try {
            route = Jobs.copy(ctx.plans(), c.plan(), c.from(), c.to(), ctx.targetSpec());
            Path scratch = ctx.format3Cache().resolve("scratch");
            MixedCopy copier = new MixedCopy(ctx.log(), new MixedCopy.Options(ctx.instance(), c.toFormat(), c.imports(), c.storageGiven(), ctx.keys(),
                    c.threads(), scratch, ctx.format3Cache().resolve("capture"), ctx.cache().resolve("pagemaps")));
            Jobs.CopyJob r = route;
            try (Target src = Targets.open(r.source(), ctx.targets()); ObjectStore srcStore = RepoStores.open(r.source(), ctx.targets())) {
                Optional<Repository> srcRepo = RepoAtTarget.existing(srcStore, ctx.instance(), scratch, ctx.log());
                MixedCopy.Selection sel = copier.select(src, RepoAtTarget.ids(srcRepo), c.backupId());
                chosen = sel.all();
                EachTarget.run("destination", r.destinations(), (d, i) -> copyTo(d, copier, src, srcRepo, sel, r.retention(), scratch), false,
                        ctx.log(), o -> done.add(o.ok() ? o.value() : new CopyResult.Destination(o.target(), List.of(), null, (OwuiException) o.failure())));
            }
        } catch (RuntimeException e) {
            if (route != null && done.size() < route.destinations().size() && chosen != null) {
                // The destination a bug stopped at is reported as far as it got: listed, nothing copied.
                done.add(new CopyResult.Destination(route.destinations().get(done.size()), List.of(), null, null));
            }
            return result(c, route, chosen, done, e);
        }
        return result(c, route, chosen, done, null);
    }

    private CopyResult result(CopyConfig c, Jobs.CopyJob route, List<String> chosen, List<CopyResult.Destination> done, RuntimeException stopped) {
        return new CopyResult(ctx.instance(), c.plan(), route == null ? null : route.source(), route == null ? List.of() : route.destinations(),
                chosen, done, stopped);
    }

    /** The copies at one destination, then the plan's retention there; a retention that fails keeps the copies in the outcome. */
    private CopyResult.Destination copyTo(TargetSpec d, MixedCopy copier, Target src, Optional<Repository> srcRepo, MixedCopy.Selection sel,
                                          Policy retention, Path scratch) {
        try (Target dest = Targets.open(d, ctx.targets()); ObjectStore destStore = RepoStores.open(d, ctx.targets())) {
            List<MixedCopy.Copied> copied = copier.copy(src, srcRepo, sel, d.id(), dest, destStore);
            if (retention == null) {
                return new CopyResult.Destination(d, copied, null, null);
            }
            String protect = copied.isEmpty() ? null : copied.get(copied.size() - 1).backupId();
            try {
                return new CopyResult.Destination(d, copied, retain(d, dest, destStore, retention, protect, scratch), null);
            } catch (OwuiException e) {
                ctx.log().warn("destination " + d.id() + ": " + e.getMessage()); // as EachTarget logs a failed destination
                return new CopyResult.Destination(d, copied, null, e);
            }
        }
    }

    /** A copy plan's retention at a destination, over both formats when it holds a repository. */
    private CopyResult.Retained retain(TargetSpec d, Target dest, ObjectStore destStore, Policy retention, String protect, Path scratch) {
        List<Decision> decisions;
        if (RepoAtTarget.existing(destStore, ctx.instance(), scratch, ctx.log()).isPresent()) {
            decisions = MixedPruner.apply(dest, destStore, ctx.instance(), retention, ctx.zone(), protect, false, ctx.keys().get(), scratch, ctx.log())
                    .decisions();
        } else {
            decisions = Pruner.apply(dest, ctx.instance(), retention, ctx.zone(), null, false, ctx.log());
        }
        CopyResult.Retained r = new CopyResult.Retained(retention.toString(), decisions);
        ctx.log().info(d.id() + ": kept " + (decisions.size() - r.removed()) + ", removed " + r.removed() + " (policy " + retention + ")");
        return r;
    }
}
