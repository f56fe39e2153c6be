package dev.owui.backup.app;

import dev.owui.backup.provision.Host;
import dev.owui.backup.provision.HostResult;
import dev.owui.backup.provision.ProvisionOptions;
import java.util.List;

/**
 * What install-cron reports while it runs: the plans and hosts it starts on, then each host as it
 * finishes (hosts run in parallel, so an operator sees each as it completes, not all at the end).
 * The goal calls it; the console renderer implements it, so the goal formats no text.
 */
public interface InstallCronProgress {
    InstallCronProgress NONE = new InstallCronProgress() {
        @Override
        public void start(boolean absent, List<String> plans, ProvisionOptions o, List<Host> hosts) {
        }

        @Override
        public void host(HostResult r) {
        }
    };

    void start(boolean absent, List<String> plans, ProvisionOptions o, List<Host> hosts);

    void host(HostResult r);
}
