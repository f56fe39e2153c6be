package dev.owui.backup.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ansible INI inventories and owui.limit. */
class InventoryTest {
    private static final List<String> INI = List.of(
            "# hosts outside any group",
            "bastion ansible_host=10.0.0.1",
            "",
            "[web]",
            "web1 ansible_host=10.0.0.11 ansible_port=2222",
            "web2 ansible_host=10.0.0.12 ansible_user=deploy",
            "",
            "[db]",
            "db1 ansible_host=10.0.0.21 owui_plans=daily,weekly",
            "",
            "[web:vars]",
            "ansible_user=backup",
            "owui_server_id=web-ssh",
            "",
            "[prod:children]",
            "web",
            "db",
            "",
            "[all:vars]",
            "ansible_user=ops",
            "ansible_become=yes");

    @Test
    void hostsGroupsVarsAndChildren() {
        Inventory inv = IniInventory.parse(INI, "hosts.ini");
        assertEquals(List.of("bastion", "web1", "web2", "db1"), inv.hosts().stream().map(Host::name).toList());
        Host web1 = inv.hosts().get(1);
        assertEquals("10.0.0.11", web1.address());
        assertEquals(2222, web1.port());
        assertEquals("backup", web1.user(), "group vars win over all:vars");
        assertEquals("web-ssh", web1.serverId());
        assertTrue(web1.sudo(), "ansible_become from all:vars");
        assertEquals(List.of("web", "prod"), web1.groups());
        assertEquals("deploy", inv.hosts().get(2).user(), "host-line vars win over group vars");
        Host db1 = inv.hosts().get(3);
        assertEquals("ops", db1.user());
        assertEquals(-1, db1.port());
        assertEquals(List.of("daily", "weekly"), db1.plans());
        assertTrue(db1.runs("weekly") && !db1.runs("hourly"));
        assertNull(inv.hosts().get(0).plans());
        assertTrue(inv.hosts().get(0).runs("anything"));
    }

    @Test
    void limitSelectsHostsAndGroupsAnsibleStyle() {
        Inventory inv = IniInventory.parse(INI, "hosts.ini");
        assertEquals(List.of("web1", "web2"), names(inv.select("web")));
        assertEquals(List.of("web1", "web2", "db1"), names(inv.select("prod")));
        assertEquals(List.of("web2", "db1"), names(inv.select("prod,!web1")));
        assertEquals(List.of("bastion", "db1"), names(inv.select("db1:bastion")), "inventory order, ':' separates too");
        assertEquals(List.of("bastion", "web1", "web2"), names(inv.select("!db")));
        assertEquals(4, inv.select(null).size());
        assertEquals(4, inv.select("all").size());
    }

    @Test
    void anUnknownHostOrGroupFailsListingWhatThereIs() {
        Inventory inv = IniInventory.parse(INI, "hosts.ini");
        OwuiException e = assertThrows(OwuiException.class, () -> inv.select("web,dbs"));
        assertTrue(e.getMessage().contains("'dbs'") && e.getMessage().contains("groups: web, prod, db") && e.getMessage().contains("hosts.ini"), e.getMessage());
        assertThrows(OwuiException.class, () -> inv.select("web,!web"));
        assertThrows(OwuiException.class, () -> new Inventory(List.of(), "the pom's <hosts>").select(null));
    }

    @Test
    void mistakesInTheFileNameTheLine() {
        OwuiException e = assertThrows(OwuiException.class, () -> IniInventory.parse(List.of("[web", "a"), "x.ini"));
        assertTrue(e.getMessage().contains("x.ini line 1"), e.getMessage());
        OwuiException v = assertThrows(OwuiException.class, () -> IniInventory.parse(List.of("[web]", "a ansible_port"), "x.ini"));
        assertTrue(v.getMessage().contains("x.ini line 2"), v.getMessage());
        OwuiException c = assertThrows(OwuiException.class, () -> IniInventory.parse(List.of("[all:children]", "nope"), "x.ini"));
        assertTrue(c.getMessage().contains("'nope'"), c.getMessage());
        assertFalse(IniInventory.parse(List.of("[web]", "a"), "x.ini").hosts().get(0).sudo());
    }

    private static List<String> names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList();
    }
}
