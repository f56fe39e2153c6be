package dev.owui.backup.maven;

import dev.owui.backup.provision.Host;
import java.util.List;

/**
 * One {@code <host>} of install-cron's {@code <hosts>}: Maven fills the fields by name. No secrets
 * here: {@code serverId} names a settings.xml server with the SSH credentials.
 */
public class HostConfig {
    /** How the recap and owui.limit call it. */
    String name;
    /** Host name, IP address or ssh config alias (default: the name). */
    String address;
    /** SSH port (default: the ssh config's, else 22). */
    int port;
    /** Login user (default: the server's username, the ssh config's User, the local user). */
    String user;
    /** settings.xml server with the SSH credentials. */
    String serverId;
    /** Use sudo -n for /etc/cron.d or /etc/systemd/system. */
    boolean sudo;
    /** Groups for owui.limit. */
    List<String> groups;
    /** Plans this host runs (default: every plan with a schedule). */
    List<String> plans;

    Host toHost() {
        return new Host(name, address, port, user, serverId, sudo, groups, plans);
    }
}
