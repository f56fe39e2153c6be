package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import java.util.List;

/**
 * A machine (or a login on one) that install-cron puts schedules on.
 *
 * @param name     how the inventory and the recap call it
 * @param address  host name, IP address or ssh config alias to connect to (default: the name)
 * @param port     SSH port, or -1 for the ssh config's Port / 22
 * @param user     login user, or null for the server's credentials / ssh config / local user
 * @param serverId settings.xml server with the SSH credentials, or null (keys, agent)
 * @param sudo     use {@code sudo -n} for system locations (/etc/cron.d, /etc/systemd/system)
 * @param groups   the inventory groups it belongs to
 * @param plans    ids of the plans it runs, or null for every plan that has a schedule
 */
public record Host(String name, String address, int port, String user, String serverId, boolean sudo, List<String> groups,
                   List<String> plans) {
    public Host {
        if (name == null || name.isBlank()) {
            throw new OwuiException("a host has no name", "give every <host> a <name> (and an <address> when the name does not resolve)");
        }
        name = name.trim();
        address = address == null || address.isBlank() ? name : address.trim();
        port = port <= 0 ? -1 : port;
        user = user == null || user.isBlank() ? null : user.trim();
        serverId = serverId == null || serverId.isBlank() ? null : serverId.trim();
        groups = groups == null ? List.of() : List.copyOf(groups);
        plans = plans == null || plans.isEmpty() ? null : List.copyOf(plans);
    }

    /** True when this host runs the plan (no list: every scheduled plan). */
    public boolean runs(String planId) {
        return plans == null || plans.contains(planId);
    }
}
