package dev.owui.backup.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach and trust an SSH server. Host keys are always checked strictly against the
 * known_hosts file; nothing here can turn that off, and nothing ever writes to that file.
 *
 * <p>Credentials (username, password, private key, passphrase) come from Maven's settings.xml
 * {@code <servers>} or the environment; {@link #toString()} never shows them.
 *
 * @param home the user's home directory, for {@code ~} and the defaults (the caller passes it:
 *        Mojos do not read system properties)
 * @param knownHosts the known_hosts file; null: the ssh config's UserKnownHostsFile, else
 *        {@code ~/.ssh/known_hosts}
 * @param sshConfig the OpenSSH client config (Host aliases, HostName, User, Port, IdentityFile);
 *        null: {@code ~/.ssh/config} when it exists (a file named here must exist)
 * @param username the login user when the URL names none (before the ssh config's User and
 *        the local user name); null: not given
 * @param password for password authentication; null: not given
 * @param privateKey a private key file tried before the config's IdentityFile and the defaults
 * @param passphrase the private key's passphrase (also tried for encrypted IdentityFile keys)
 * @param agentSocket the ssh-agent's socket (SSH_AUTH_SOCK); null: no agent
 * @param connectTimeout TCP connect plus SSH handshake
 * @param serverAliveInterval keep-alive probe interval; after 4 unanswered probes the session is
 *        dropped (OpenSSH's ServerAliveInterval/ServerAliveCountMax)
 * @param stallTimeout a transfer that makes no progress for this long is aborted by the watchdog
 * @param credentialsFrom where the credentials came from, for messages ("settings.xml server 'nas'");
 *        null: not said
 */
public record SshOptions(Path home, Path knownHosts, Path sshConfig, String username, String password, Path privateKey,
                         String passphrase, String agentSocket, Duration connectTimeout, Duration serverAliveInterval,
                         Duration stallTimeout, String credentialsFrom) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SERVER_ALIVE_INTERVAL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(2);
    /** Unanswered keep-alive probes before the session counts as dead. */
    public static final int SERVER_ALIVE_COUNT_MAX = 4;

    public SshOptions {
        if (home == null) {
            throw new IllegalArgumentException("home is required (for ~ and the ~/.ssh defaults)");
        }
        connectTimeout = positive(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        serverAliveInterval = positive(serverAliveInterval, DEFAULT_SERVER_ALIVE_INTERVAL);
        stallTimeout = positive(stallTimeout, DEFAULT_STALL_TIMEOUT);
    }

    private static Duration positive(Duration d, Duration fallback) {
        return d == null || d.isZero() || d.isNegative() ? fallback : d;
    }

    /** Defaults: ~/.ssh/known_hosts, ~/.ssh/config, no explicit credentials, no agent. */
    public static SshOptions defaults(Path home) {
        return new SshOptions(home, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Defaults plus the ssh-agent named by SSH_AUTH_SOCK in {@code env}, when set. */
    public static SshOptions fromEnvironment(Path home, Map<String, String> env) {
        String sock = env.get("SSH_AUTH_SOCK");
        return defaults(home).withAgent(sock == null || sock.isBlank() ? null : sock);
    }

    public SshOptions withKnownHosts(Path file) {
        return new SshOptions(home, file, sshConfig, username, password, privateKey, passphrase, agentSocket,
                connectTimeout, serverAliveInterval, stallTimeout, credentialsFrom);
    }

    public SshOptions withSshConfig(Path file) {
        return new SshOptions(home, knownHosts, file, username, password, privateKey, passphrase, agentSocket,
                connectTimeout, serverAliveInterval, stallTimeout, credentialsFrom);
    }

    /** Credentials from a settings.xml server; any of them may be null. */
    public SshOptions withCredentials(String user, String pass, Path key, String keyPassphrase) {
        return new SshOptions(home, knownHosts, sshConfig, user, pass, key, keyPassphrase, agentSocket,
                connectTimeout, serverAliveInterval, stallTimeout, credentialsFrom);
    }

    public SshOptions withAgent(String socket) {
        return new SshOptions(home, knownHosts, sshConfig, username, password, privateKey, passphrase, socket,
                connectTimeout, serverAliveInterval, stallTimeout, credentialsFrom);
    }

    public SshOptions withTimeouts(Duration connect, Duration serverAlive, Duration stall) {
        return new SshOptions(home, knownHosts, sshConfig, username, password, privateKey, passphrase, agentSocket,
                connect, serverAlive, stall, credentialsFrom);
    }

    /** Names where the credentials came from in messages, e.g. "settings.xml server 'nas'". */
    public SshOptions withCredentialsFrom(String source) {
        return new SshOptions(home, knownHosts, sshConfig, username, password, privateKey, passphrase, agentSocket,
                connectTimeout, serverAliveInterval, stallTimeout, source);
    }

    /** "the password of settings.xml server 'nas'", or of "the credentials" when their source is not known. */
    String passwordName() {
        return "the password of " + (credentialsFrom == null ? "the credentials" : credentialsFrom);
    }

    /** {@code ~} and {@code ~/x} against {@link #home}; other paths as given. */
    public Path resolve(String path) {
        if (path.equals("~")) {
            return home;
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2));
        }
        return Path.of(path);
    }

    Path defaultKnownHosts() {
        return home.resolve(".ssh").resolve("known_hosts");
    }

    Path defaultSshConfig() {
        return home.resolve(".ssh").resolve("config");
    }

    /** Never shows the password or the passphrase, only whether they are set. */
    @Override
    public String toString() {
        return "SshOptions[home=" + home + ", knownHosts=" + knownHosts + ", sshConfig=" + sshConfig + ", username=" + username
                + ", password=" + (password == null ? "none" : "****") + ", privateKey=" + privateKey
                + ", passphrase=" + (passphrase == null ? "none" : "****") + ", agent=" + (agentSocket != null)
                + ", connectTimeout=" + connectTimeout + ", serverAliveInterval=" + serverAliveInterval
                + ", stallTimeout=" + stallTimeout + ", credentialsFrom=" + credentialsFrom + "]";
    }
}
