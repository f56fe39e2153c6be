package dev.owui.backup.provision;

import java.time.Duration;
import java.util.List;

/**
 * install-cron across hosts, as data: one result per host in host order, whether it was check
 * mode, how many hosts were worked on at once and how long it took.
 */
public record ProvisionResult(List<HostResult> hosts, boolean check, int atOnce, Duration elapsed) {
    public ProvisionResult {
        hosts = List.copyOf(hosts);
    }

    /** Hosts that were unreachable or failed. */
    public List<HostResult> incomplete() {
        return hosts.stream().filter(r -> r.failed() || r.unreachable()).toList();
    }
}
