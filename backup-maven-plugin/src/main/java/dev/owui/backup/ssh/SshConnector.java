package dev.owui.backup.ssh;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.OpenSSHConfig;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UIKeyboardInteractive;
import com.jcraft.jsch.UserInfo;
import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens authenticated SSH sessions with JSch (mwiede's maintained fork): the ssh config file
 * honoured, host keys checked strictly and read-only, keys, agent and password from
 * {@link SshOptions}, keep-alive and a stall watchdog on every session. Every failure is an
 * OwuiException that names the server and what to do.
 */
public final class SshConnector {
    private SshConnector() {
    }

    public static SshSession open(SftpUrl url, SshOptions o) {
        JSch jsch = new JSch(); // one per session: identities and known hosts never leak between targets
        ConfigRepository config = config(o);
        ConfigRepository.Config hostConfig = config == null ? null : config.getConfig(url.host());
        if (config != null) {
            jsch.setConfigRepository(SshConfigView.withoutOwnSettings(config));
        }
        Path knownHosts = knownHosts(o, hostConfig);
        try {
            jsch.setKnownHosts(knownHosts.toString());
        } catch (JSchException e) {
            throw new OwuiException("cannot read the known_hosts file " + knownHosts + ": " + e.getMessage(),
                    "fix or replace it (owui.knownHosts names another)", e);
        }
        HostKeyCheck hostKeys = new HostKeyCheck(jsch.getHostKeyRepository(), knownHosts);
        Identities identities = Identities.load(jsch, o, hostConfig == null ? null : hostConfig.getValues("IdentityFile"));

        String user = url.user() != null ? url.user() : o.username();
        Session s;
        try {
            s = jsch.getSession(user, url.host());
        } catch (JSchException e) {
            throw new OwuiException("cannot set up an SSH session to " + url.host() + ": " + e.getMessage(),
                    "give the user in the URL (sftp://user@host/path) or in the settings.xml server", e);
        }
        if (url.port() > 0) {
            s.setPort(url.port()); // the URL's port wins over the config's Port, as with `ssh -p`
        }
        // After getSession: the config was applied in its constructor and may not weaken these.
        s.setHostKeyRepository(hostKeys);
        s.setConfig("StrictHostKeyChecking", "yes");
        s.setIdentityRepository(identities);
        s.setConfig("PreferredAuthentications", o.password() != null ? "publickey,keyboard-interactive,password" : "publickey");
        if (o.password() != null) {
            s.setPassword(o.password());
        }
        s.setUserInfo(new NoPrompts(o.password()));
        s.setDaemonThread(true); // a forgotten session must never keep Maven's JVM alive
        KillableSocket socket = new KillableSocket(millis(o.connectTimeout()));
        s.setSocketFactory(socket);
        try {
            s.setServerAliveInterval(millis(o.serverAliveInterval()));
            s.setServerAliveCountMax(SshOptions.SERVER_ALIVE_COUNT_MAX);
        } catch (JSchException e) {
            throw new IllegalStateException(e);
        }

        String who = describe(url, s);
        try {
            s.connect(millis(o.connectTimeout()));
        } catch (JSchException e) {
            throw connectFailure(e, who, url, s, hostKeys, identities, o);
        }
        return new SshSession(s, socket, who, o.stallTimeout());
    }

    private static ConfigRepository config(SshOptions o) {
        Path file = o.sshConfig() != null ? o.sshConfig() : o.defaultSshConfig();
        if (!Files.exists(file)) {
            if (o.sshConfig() != null) {
                throw new OwuiException("the ssh config file " + file + " does not exist", "fix owui.sshConfig, or leave it unset for ~/.ssh/config");
            }
            return null; // no ~/.ssh/config: nothing to honour
        }
        try {
            return OpenSSHConfig.parseFile(file.toString());
        } catch (IOException e) {
            throw new OwuiException("cannot read the ssh config file " + file + ": " + e.getMessage(), "fix its permissions or syntax", e);
        }
    }

    private static Path knownHosts(SshOptions o, ConfigRepository.Config hostConfig) {
        if (o.knownHosts() != null) {
            return o.knownHosts();
        }
        String fromConfig = hostConfig == null ? null : hostConfig.getValue("UserKnownHostsFile");
        if (fromConfig != null && !fromConfig.isBlank()) {
            return o.resolve(fromConfig.trim().split("\\s+")[0]);
        }
        return o.defaultKnownHosts();
    }

    /** "user@host:port", and the alias it came from when the config renamed the host. */
    private static String describe(SftpUrl url, Session s) {
        String real = s.getUserName() + "@" + (s.getHost().contains(":") ? "[" + s.getHost() + "]" : s.getHost()) + ":" + s.getPort();
        return url.host().equals(s.getHost()) ? real : real + " (ssh config Host " + url.host() + ")";
    }

    private static OwuiException connectFailure(JSchException e, String who, SftpUrl url, Session s, HostKeyCheck hostKeys,
                                                Identities identities, SshOptions o) {
        if (hostKeys.refused()) {
            return hostKeys.refusal(who);
        }
        String m = String.valueOf(e.getMessage());
        if (e.getClass().getSimpleName().equals("JSchRevokedHostKeyException") || m.startsWith("revoked HostKey")) {
            return new OwuiException("the host key of " + who + " is marked @revoked in the known_hosts file; refusing to connect",
                    "someone may be impersonating the server; ask its administrator", e);
        }
        if (m.startsWith("Auth fail") || m.startsWith("Auth cancel")) {
            String accepted = m.contains("'") ? m.substring(m.indexOf('\'') + 1, m.lastIndexOf('\'')) : "?";
            java.util.List<String> tried = new java.util.ArrayList<>(identities.offered());
            if (o.password() != null) {
                tried.add("password (from the credentials)");
            }
            return new OwuiException("SSH login to " + who + " was refused (tried: "
                    + (tried.isEmpty() ? "nothing: no key, agent or password was available" : String.join(", ", tried))
                    + "; the server accepts: " + accepted + ")",
                    (tried.isEmpty() ? "give a key: " : "authorize one of these keys in ~" + s.getUserName() + "/.ssh/authorized_keys on the server, or ")
                            + "name a settings.xml server with owui.serverId that holds the right username and privateKey (+ passphrase) or password"
                            + (o.agentSocket() == null ? ", or load the key into an ssh-agent (SSH_AUTH_SOCK)" : ""), e);
        }
        Throwable cause = e.getCause();
        if (cause instanceof UnknownHostException) {
            return new OwuiException("unknown host " + s.getHost() + " (" + url + ")",
                    "check the host name, or define it as a Host in the ssh config file", e);
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
            return new OwuiException("cannot connect to " + who + ": " + cause.getMessage(),
                    "check that sshd runs there and listens on that port (the URL's :port or the ssh config's Port)", e);
        }
        if (cause instanceof SocketTimeoutException || m.contains("timeout") || m.contains("timed out")) {
            return new OwuiException("connecting to " + who + " timed out after " + o.connectTimeout().toSeconds() + " s",
                    "check the network path to the server (firewall, VPN) and that sshd answers", e);
        }
        return new OwuiException("cannot open an SSH session to " + who + ": " + m,
                "check the server's sshd log; `ssh -v` with the same user, host and port shows the same handshake", e);
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    /**
     * Answers JSch's questions without a human: never accepts a host key, never re-prompts a
     * passphrase; gives the configured password to keyboard-interactive (PAM) password prompts.
     */
    private static final class NoPrompts implements UserInfo, UIKeyboardInteractive {
        private final String password;

        NoPrompts(String password) {
            this.password = password;
        }

        @Override
        public String getPassphrase() {
            return null;
        }

        @Override
        public String getPassword() {
            return password;
        }

        @Override
        public boolean promptPassword(String message) {
            return password != null;
        }

        @Override
        public boolean promptPassphrase(String message) {
            return false;
        }

        @Override
        public boolean promptYesNo(String message) {
            return false;
        }

        @Override
        public void showMessage(String message) {
        }

        @Override
        public String[] promptKeyboardInteractive(String destination, String name, String instruction, String[] prompt, boolean[] echo) {
            if (password == null || prompt == null || prompt.length != 1 || echo[0]) {
                return null; // only a single hidden prompt is a password prompt
            }
            return new String[] {password};
        }
    }
}
