package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hosts install-cron may touch and their groups, and the selection of some of them with an
 * Ansible-style limit: host and group names separated by ',' or ':', {@code all}, and
 * {@code !name} to leave some out ({@code web,!web3}).
 */
public final class Inventory {
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, Set<String>> groups = new LinkedHashMap<>();
    private final String source;

    /** @param source where it was read from, for messages ("the pom's <hosts>", "inventory.ini") */
    public Inventory(List<Host> hosts, String source) {
        this.source = source;
        for (Host h : hosts) {
            if (this.hosts.put(h.name(), h) != null) {
                throw new OwuiException("two hosts are named '" + h.name() + "' in " + source, "give each host its own name");
            }
            for (String g : h.groups()) {
                groups.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(h.name());
            }
        }
    }

    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    public Set<String> groups() {
        return groups.keySet();
    }

    /** The hosts a limit selects, in inventory order; null or blank selects all. Unknown names fail. */
    public List<Host> select(String limit) {
        if (hosts.isEmpty()) {
            throw new OwuiException("no hosts to install on (" + source + " lists none)",
                    "list them in the plugin's <hosts>, or give an Ansible-style inventory file with -Dowui.inventory");
        }
        if (limit == null || limit.isBlank()) {
            return hosts();
        }
        Set<String> chosen = new LinkedHashSet<>();
        Set<String> excluded = new LinkedHashSet<>();
        boolean onlyExclusions = true;
        for (String raw : limit.split("[,:]")) {
            String term = raw.trim();
            if (term.isEmpty()) {
                continue;
            }
            boolean exclude = term.startsWith("!");
            String name = exclude ? term.substring(1) : term;
            onlyExclusions &= exclude;
            (exclude ? excluded : chosen).addAll(resolve(name, limit));
        }
        if (onlyExclusions) {
            chosen.addAll(hosts.keySet());
        }
        chosen.removeAll(excluded);
        List<Host> out = new ArrayList<>();
        for (Host h : hosts.values()) {
            if (chosen.contains(h.name())) {
                out.add(h);
            }
        }
        if (out.isEmpty()) {
            throw new OwuiException("the limit '" + limit + "' selects no host", "check owui.limit against " + source);
        }
        return out;
    }

    private Set<String> resolve(String name, String limit) {
        if (name.equals("all") || name.equals("*")) {
            return hosts.keySet();
        }
        if (hosts.containsKey(name)) {
            return Set.of(name);
        }
        if (groups.containsKey(name)) {
            return groups.get(name);
        }
        throw new OwuiException("owui.limit '" + limit + "' names '" + name + "', which is no host or group of " + source
                + " (hosts: " + String.join(", ", hosts.keySet()) + (groups.isEmpty() ? "" : "; groups: " + String.join(", ", groups.keySet())) + ")",
                "use one of those names");
    }
}
