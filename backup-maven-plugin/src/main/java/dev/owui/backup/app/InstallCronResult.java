package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.provision.HostResult;
import dev.owui.backup.provision.ProvisionOptions;
import dev.owui.backup.provision.ProvisionResult;
import java.util.List;

/**
 * What install-cron did, as data: what was asked (state, scheduler, system-wide, plans) and every
 * host's result. Rendered by {@code render.InstallCronRender}; {@link #throwIfFailed} after that,
 * so the report names each host even when some failed.
 */
public record InstallCronResult(boolean absent, ProvisionOptions.Scheduler scheduler, boolean system, List<String> plans, ProvisionResult run) {
    public InstallCronResult {
        plans = List.copyOf(plans);
    }

    /** Fails naming the hosts that were unreachable or failed; the others are done. */
    public void throwIfFailed() {
        List<HostResult> bad = run.incomplete();
        if (!bad.isEmpty()) {
            throw new OwuiException("install-cron did not complete on " + bad.size() + " of " + run.hosts().size() + " host(s): "
                    + String.join(", ", bad.stream().map(r -> r.host() + (r.unreachable() ? " (unreachable)" : " (failed)")).toList()),
                    "see each host's message above, fix it and run again; the other hosts are done and stay unchanged on a rerun");
        }
    }
}
