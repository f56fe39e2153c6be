package dev.owui.backup.ssh;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchSessionDisconnectException;
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
import java.util.ArrayList;
import java.util.List;

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
        Identities identities = Identities.load(jsch, o, hostConfig == null ? null : hostConfig.getValues("IdentityFile"),
                identitiesOnly(o, hostConfig));

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
        // Not s.setPassword: JSch would send it again after every refusal until the server hangs up
        // (MaxAuthTries; fail2ban counts each). The prompts hand it out once, to whichever method comes first.
        NoPrompts prompts = new NoPrompts(o.password());
        s.setUserInfo(prompts);
        AuthLog authLog = new AuthLog();
        s.setLogger(authLog);
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
            throw connectFailure(e, who, url, s, hostKeys, identities, prompts, authLog, o);
        } catch (PasswordSpent e) {
            // The server asked for the password again after refusing it: the login ends here, it is not sent twice.
            throw refused(new JSchException("the password was asked for again after it was refused", e), who, s, identities, prompts, o);
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

    /** The ssh config file when it says IdentitiesOnly yes for the host (OpenSSH's yes/no, any case), else null. */
    private static String identitiesOnly(SshOptions o, ConfigRepository.Config hostConfig) {
        String v = hostConfig == null ? null : hostConfig.getValue("IdentitiesOnly");
        if (v == null || !v.trim().equalsIgnoreCase("yes")) {
            return null;
        }
        return (o.sshConfig() != null ? o.sshConfig() : o.defaultSshConfig()).toString();
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
                                                Identities identities, NoPrompts prompts, AuthLog authLog, SshOptions o) {
        if (hostKeys.refused()) {
            return hostKeys.refusal(who);
        }
        String m = String.valueOf(e.getMessage());
        if (e.getClass().getSimpleName().equals("JSchRevokedHostKeyException") || m.startsWith("revoked HostKey")) {
            return new OwuiException("the host key of " + who + " is marked @revoked in the known_hosts file; refusing to connect",
                    "someone may be impersonating the server; ask its administrator", e);
        }
        if (m.startsWith("Auth fail") || m.startsWith("Auth cancel") || (authLog.authenticating() && e instanceof JSchSessionDisconnectException)) {
            return refused(e, who, s, identities, prompts, o);
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

    /**
     * The login was refused: names each credential the server refused (keys by path or agent
     * comment and fingerprint, the password by where it came from, never its value), what was
     * not tried and why, and a server that hung up on too many attempts.
     */
    private static OwuiException refused(JSchException e, String who, Session s, Identities identities, NoPrompts prompts, SshOptions o) {
        String m = String.valueOf(e.getMessage());
        // JSch says "Auth fail for methods 'publickey,password'": the server's list (null when the login ended otherwise)
        String accepted = m.startsWith("Auth ") && m.indexOf('\'') < m.lastIndexOf('\'') ? m.substring(m.indexOf('\'') + 1, m.lastIndexOf('\'')) : null;
        String hangUp = e instanceof JSchSessionDisconnectException d ? d.getDescription() : null;
        List<String> refused = new ArrayList<>(identities.offered());
        if (prompts.passwordTries() > 0) {
            refused.add(o.passwordName() + " (tried once)");
        }
        List<String> notTried = new ArrayList<>(identities.notOffered());
        if (o.password() != null && prompts.passwordTries() == 0) {
            notTried.add(o.passwordName() + (prompts.unanswered() != null ? " (" + prompts.unanswered() + ")"
                    : accepted != null && !accepted.contains("password") && !accepted.contains("keyboard-interactive")
                    ? " (the server does not accept passwords)" : ""));
        }
        List<String> notes = identities.notes();
        String message;
        if (refused.isEmpty() && notTried.isEmpty()) {
            message = "SSH login to " + who + " was refused (tried: nothing: no key, agent or password was available"
                    + (notes.isEmpty() ? "" : "; " + String.join(", ", notes)) + (accepted == null ? "" : "; the server accepts: " + accepted) + ")";
        } else {
            message = "SSH login to " + who + " was refused: "
                    + (refused.isEmpty() ? "nothing was tried" : "the server refused " + String.join(", ", refused))
                    + (hangUp != null ? "; then it ended the login (\"" + hangUp.strip() + "\")" : "")
                    + (notTried.isEmpty() ? "" : "; not tried: " + String.join(", ", notTried))
                    + (notes.isEmpty() ? "" : "; not offered: " + String.join(", ", notes))
                    + (accepted == null ? "" : "; the server accepts: " + accepted);
        }
        String advice;
        if (hangUp != null) {
            advice = "the server allows only a few attempts per login (sshd's MaxAuthTries): name the right key with IdentityFile and "
                    + "IdentitiesOnly yes in the ssh config, or as the privateKey of the settings.xml server named by owui.serverId";
        } else if (prompts.passwordTries() > 0) {
            advice = "check " + o.passwordName() + " (it was sent once, so this run adds one failed login to the server's count), "
                    + "or authorize a key in ~" + s.getUserName() + "/.ssh/authorized_keys on the server";
        } else if (refused.isEmpty() && notTried.isEmpty()) {
            advice = "give a key: name a settings.xml server with owui.serverId that holds the right username and privateKey (+ passphrase) or password"
                    + (o.agentSocket() == null ? ", or load the key into an ssh-agent (SSH_AUTH_SOCK)" : "");
        } else {
            advice = "authorize one of these keys in ~" + s.getUserName() + "/.ssh/authorized_keys on the server, or name a settings.xml server "
                    + "with owui.serverId that holds the right username and privateKey (+ passphrase) or password"
                    + (o.agentSocket() == null ? ", or load the key into an ssh-agent (SSH_AUTH_SOCK)" : "");
        }
        return new OwuiException(message, advice, e);
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    /**
     * Answers JSch's questions without a human: never accepts a host key, never re-prompts a
     * passphrase, and hands out the password once, to the password or the keyboard-interactive
     * (PAM) method, whichever asks first. Asked again after the server refused it, it says no:
     * the password method then gives up without sending anything; keyboard-interactive cannot
     * (JSch would send empty answers, one more failed attempt), so the login ends there.
     */
    private static final class NoPrompts implements UserInfo, UIKeyboardInteractive {
        private final String password;
        private volatile int passwordTries;
        private volatile String unanswered;

        NoPrompts(String password) {
            this.password = password;
        }

        int passwordTries() {
            return passwordTries;
        }

        /** Why a keyboard-interactive question went unanswered before any password was sent, or null. */
        String unanswered() {
            return unanswered;
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
            if (password == null || passwordTries > 0) {
                return false;
            }
            passwordTries++;
            return true;
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
            if (prompt == null || prompt.length == 0) {
                return new String[0]; // an information message, no question
            }
            if (password == null || prompt.length != 1 || echo[0] || passwordTries > 0) {
                if (passwordTries == 0) {
                    unanswered = "the server's keyboard-interactive login asked " + prompt.length + " question(s) other than one hidden password prompt";
                }
                throw new PasswordSpent(); // only a single hidden prompt is a password prompt, and only the first
            }
            passwordTries++;
            return new String[] {password};
        }
    }

    /** Ends the login instead of answering a second password prompt (or one we cannot answer). */
    private static final class PasswordSpent extends RuntimeException {
        PasswordSpent() {
            super("the password was asked for again after it was refused", null, false, false);
        }
    }

    /**
     * JSch's own log of the session, for a fact it does not otherwise tell: that the handshake
     * got as far as authentication (a server hanging up then is refusing the login). Nothing is
     * kept or printed.
     */
    private static final class AuthLog implements com.jcraft.jsch.Logger {
        private static final String CAN_CONTINUE = "Authentications that can continue: ";
        private volatile boolean authenticating;

        boolean authenticating() {
            return authenticating;
        }

        @Override
        public boolean isEnabled(int level) {
            return level == INFO;
        }

        @Override
        public void log(int level, String message) {
            if (message != null && (message.startsWith(CAN_CONTINUE) || message.startsWith("SSH_MSG_SERVICE_ACCEPT"))) {
                authenticating = true;
            }
        }
    }
}
