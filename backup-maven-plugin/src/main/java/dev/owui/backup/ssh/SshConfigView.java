package dev.owui.backup.ssh;

import com.jcraft.jsch.ConfigRepository;
import java.util.Set;

/**
 * The ssh config as JSch gets to see it: without the settings this layer applies itself.
 * JSch would load IdentityFile keys on its own (and fail on a missing one, which OpenSSH
 * skips), swap in a UserKnownHostsFile repository that may add keys, and take
 * StrictHostKeyChecking from the file; {@link SshConnector} handles all three instead.
 */
final class SshConfigView {
    private static final Set<String> OWN = Set.of("IdentityFile", "UserKnownHostsFile", "StrictHostKeyChecking", "HashKnownHosts");

    private SshConfigView() {
    }

    static ConfigRepository withoutOwnSettings(ConfigRepository file) {
        return host -> {
            ConfigRepository.Config c = file.getConfig(host);
            return new ConfigRepository.Config() {
                @Override
                public String getHostname() {
                    return c.getHostname();
                }

                @Override
                public String getUser() {
                    return c.getUser();
                }

                @Override
                public int getPort() {
                    return c.getPort();
                }

                @Override
                public String getValue(String key) {
                    return OWN.contains(key) ? null : c.getValue(key);
                }

                @Override
                public String[] getValues(String key) {
                    return OWN.contains(key) ? null : c.getValues(key);
                }
            };
        };
    }
}
