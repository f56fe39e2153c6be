package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an Ansible INI inventory: host lines ({@code web1 ansible_host=10.0.0.5 ansible_port=22
 * ansible_user=backup}), {@code [group]} sections, {@code [group:vars]} and
 * {@code [group:children]}. Variables understood: ansible_host, ansible_port, ansible_user,
 * ansible_become (sudo), and owui_server_id, owui_sudo, owui_plans (comma-separated). Host-line
 * variables win over group variables, which win over {@code [all:vars]}; other variables are ignored.
 */
public final class IniInventory {
    private IniInventory() {
    }

    public static Inventory read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new OwuiException("cannot read the inventory " + file + ": " + e.getMessage(), "fix owui.inventory", e);
        }
        return parse(lines, file.toString());
    }

    static Inventory parse(List<String> lines, String source) {
        Map<String, Map<String, String>> hostVars = new LinkedHashMap<>();
        Map<String, Set<String>> members = new LinkedHashMap<>();
        Map<String, Map<String, String>> groupVars = new LinkedHashMap<>();
        Map<String, Set<String>> children = new LinkedHashMap<>();
        String group = "ungrouped";
        String kind = "hosts";
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String where = source + " line " + n;
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new OwuiException(where + ": a section header without ']': " + line, "write [group], [group:vars] or [group:children]");
                }
                String header = line.substring(1, line.length() - 1).strip();
                int colon = header.indexOf(':');
                group = colon < 0 ? header : header.substring(0, colon);
                kind = colon < 0 ? "hosts" : header.substring(colon + 1);
                if (!List.of("hosts", "vars", "children").contains(kind)) {
                    throw new OwuiException(where + ": unknown section kind ':" + kind + "'", "use [" + group + "], [" + group + ":vars] or [" + group + ":children]");
                }
                members.computeIfAbsent(group, k -> new LinkedHashSet<>());
                continue;
            }
            switch (kind) {
                case "vars" -> {
                    String[] kv = keyValue(line, where);
                    groupVars.computeIfAbsent(group, k -> new LinkedHashMap<>()).put(kv[0], kv[1]);
                }
                case "children" -> children.computeIfAbsent(group, k -> new LinkedHashSet<>()).add(line.split("\\s+")[0]);
                default -> {
                    String[] words = line.split("\\s+");
                    Map<String, String> vars = hostVars.computeIfAbsent(words[0], k -> new LinkedHashMap<>());
                    for (String w : Arrays.asList(words).subList(1, words.length)) {
                        String[] kv = keyValue(w, where);
                        vars.put(kv[0], kv[1]);
                    }
                    members.computeIfAbsent(group, k -> new LinkedHashSet<>()).add(words[0]);
                }
            }
        }
        for (Map.Entry<String, Set<String>> c : children.entrySet()) {
            for (String child : c.getValue()) {
                if (!members.containsKey(child)) {
                    throw new OwuiException(source + ": [" + c.getKey() + ":children] names '" + child + "', which is no group", "define [" + child + "] or remove it");
                }
            }
        }
        List<Host> hosts = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> h : hostVars.entrySet()) {
            Map<String, String> vars = new LinkedHashMap<>(groupVars.getOrDefault("all", Map.of()));
            List<String> groups = new ArrayList<>();
            for (String g : members.keySet()) {
                if (!g.equals("all") && !g.equals("ungrouped") && contains(g, h.getKey(), members, children, new LinkedHashSet<>())) {
                    groups.add(g);
                    vars.putAll(groupVars.getOrDefault(g, Map.of()));
                }
            }
            vars.putAll(h.getValue());
            hosts.add(host(h.getKey(), vars, groups, source));
        }
        return new Inventory(hosts, source);
    }

    private static boolean contains(String group, String host, Map<String, Set<String>> members, Map<String, Set<String>> children, Set<String> seen) {
        if (!seen.add(group)) {
            return false; // a cycle in :children
        }
        if (members.getOrDefault(group, Set.of()).contains(host)) {
            return true;
        }
        for (String child : children.getOrDefault(group, Set.of())) {
            if (contains(child, host, members, children, seen)) {
                return true;
            }
        }
        return false;
    }

    private static Host host(String name, Map<String, String> v, List<String> groups, String source) {
        int port = -1;
        String p = v.get("ansible_port");
        if (p != null) {
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new OwuiException(source + ": host " + name + " has ansible_port=" + p, "give a port number");
            }
        }
        boolean sudo = truthy(v.get("owui_sudo")) || truthy(v.get("ansible_become"));
        String plans = v.get("owui_plans");
        return new Host(name, v.get("ansible_host"), port, v.get("ansible_user"), v.get("owui_server_id"), sudo, groups,
                plans == null ? null : Arrays.stream(plans.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    private static boolean truthy(String s) {
        return s != null && List.of("true", "yes", "1", "on").contains(s.strip().toLowerCase(java.util.Locale.ROOT));
    }

    private static String[] keyValue(String text, String where) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new OwuiException(where + ": '" + text + "' is not name=value", "write variables as name=value");
        }
        String value = text.substring(eq + 1).strip();
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            value = value.substring(1, value.length() - 1);
        }
        return new String[] {text.substring(0, eq).strip(), value};
    }
}
