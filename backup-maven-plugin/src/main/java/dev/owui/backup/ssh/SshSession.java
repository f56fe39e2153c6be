package dev.owui.backup.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import dev.owui.backup.OwuiException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An authenticated SSH connection: SFTP channels, remote commands, and the watchdog that ends it
 * when a transfer stalls. Closing it disconnects. Channels are cheap (one round trip), the
 * session is not (a TCP and key exchange handshake): open one session per target and run.
 */
public final class SshSession implements AutoCloseable {
    private final Session session;
    private final String who;
    private final Watchdog watchdog;
    private ChannelSftp shared;

    SshSession(Session session, KillableSocket socket, String who, Duration stallTimeout) {
        this.session = session;
        this.who = who;
        this.watchdog = new Watchdog(stallTimeout, () -> {
            socket.kill(); // frees every blocked thread at once
            Thread t = new Thread(session::disconnect, "owui-ssh-disconnect");
            t.setDaemon(true); // JSch's disconnect may still block on the dead connection: never in the watchdog
            t.start();
        });
    }

    /** "user@host:port" (plus the ssh config alias it came from), for messages. */
    public String describe() {
        return who;
    }

    public String user() {
        return session.getUserName();
    }

    public String host() {
        return session.getHost();
    }

    public int port() {
        return session.getPort();
    }

    /** False once the connection is gone, or once the watchdog has cut it (JSch notices a moment later). */
    public boolean isConnected() {
        return watchdog.stalled() == null && session.isConnected();
    }

    /** The session's own SFTP channel, opened on first use. Not thread-safe: one caller at a time. */
    public synchronized ChannelSftp sftp() {
        if (shared == null || !shared.isConnected()) {
            shared = openSftp();
        }
        return shared;
    }

    /**
     * A new SFTP channel, for a thread of its own (a ChannelSftp serves one request at a time).
     * The caller disconnects it. OpenSSH allows 10 channels per connection by default (MaxSessions).
     */
    public ChannelSftp openSftp() {
        try (Watchdog.Activity a = watch("opening an SFTP channel")) {
            ChannelSftp c = (ChannelSftp) open("sftp");
            c.connect(timeoutMillis());
            return c;
        } catch (JSchException e) {
            if (String.valueOf(e.getMessage()).contains("failed to send channel request")
                    || String.valueOf(e.getMessage()).contains("channel is not opened")) {
                throw new OwuiException("the server " + who + " refused an SFTP channel: " + e.getMessage(),
                        "enable SFTP in its sshd_config (Subsystem sftp internal-sftp) or raise MaxSessions", e);
            }
            throw failure("opening an SFTP channel", e);
        }
    }

    /** Runs a command (through the user's login shell on the server) and waits for it, up to the stall timeout. */
    public ExecResult exec(String command) {
        return exec(command, watchdog.stallTimeout());
    }

    /** Runs a command and waits for it to finish, at most {@code timeout}; stdout and stderr in full. */
    public ExecResult exec(String command, Duration timeout) {
        ChannelExec ch = null;
        try {
            ch = (ChannelExec) open("exec");
            ch.setCommand(command);
            ch.setInputStream(null);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            // JSch's session thread writes both streams as data arrives, so neither can fill up and block.
            ch.setOutputStream(out, true);
            ch.setErrStream(err, true);
            ch.connect(timeoutMillis());
            long deadline = System.nanoTime() + timeout.toNanos();
            long pause = 1;
            while (!ch.isClosed()) {
                if (System.nanoTime() > deadline) {
                    throw new OwuiException("the command `" + command + "` on " + who + " did not finish within " + timeout.toSeconds() + " s",
                            "check the server (load, a hung mount)");
                }
                if (!isConnected()) {
                    throw failure("running `" + command + "`", new JSchException("session is down"));
                }
                Thread.sleep(pause);
                pause = Math.min(10, pause * 2); // short commands (install-cron runs many) should not wait long for their end
            }
            return new ExecResult(ch.getExitStatus(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (JSchException e) {
            throw failure("running `" + command + "`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("interrupted while `" + command + "` ran on " + who, null, e);
        } finally {
            if (ch != null) {
                ch.disconnect();
            }
        }
    }

    /** JSch's openChannel answers null, not an exception, when the session went down meanwhile. */
    private com.jcraft.jsch.Channel open(String type) throws JSchException {
        com.jcraft.jsch.Channel c = session.openChannel(type);
        if (c == null) {
            throw new JSchException("session is down");
        }
        return c;
    }

    /** Watches one remote call; see {@link Watchdog}. */
    public Watchdog.Activity watch(String what) {
        return watchdog.start(what);
    }

    /** Why the watchdog ended this session, or null. */
    public String stalled() {
        return watchdog.stalled();
    }

    /**
     * The operator's message for a failed remote call: a stall the watchdog cut, a lost
     * connection, or the server's refusal. {@code doing} says what we were doing ("writing x").
     */
    public OwuiException failure(String doing, Exception e) {
        String stall = watchdog.stalled();
        if (stall != null) {
            return new OwuiException("the SSH connection to " + who + " stalled for " + watchdog.stallTimeout().toSeconds()
                    + " s (" + stall + ") and was closed",
                    "check the server and the network (a hung disk or NAS mount, a dropped VPN); the run failed instead of hanging, "
                            + "earlier backups are untouched", e);
        }
        if (!isConnected() || isConnectionLoss(e)) {
            return new OwuiException("lost the SSH connection to " + who + " while " + doing + " (" + reason(e) + ")",
                    "check that the server is up and reachable; earlier backups are untouched and the next run starts over", e);
        }
        return new OwuiException("SSH server " + who + " failed " + doing + ": " + reason(e),
                "check the server's logs and the path's permissions", e);
    }

    private static boolean isConnectionLoss(Exception e) {
        if (e instanceof SftpException se) {
            return se.id == ChannelSftp.SSH_FX_CONNECTION_LOST || se.id == ChannelSftp.SSH_FX_NO_CONNECTION
                    || se.getCause() instanceof java.io.IOException;
        }
        // A write into a socket whose server died fails with "Broken pipe" (a SocketException, possibly wrapped)
        // before JSch notices the session is down: that is the same lost connection.
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketException) {
                return true;
            }
        }
        String m = String.valueOf(e.getMessage());
        return m.contains("session is down") || m.contains("channel is down") || m.contains("Pipe closed")
                || m.contains("inputstream is closed") || m.contains("Connection reset") || m.contains("Broken pipe");
    }

    private static String reason(Exception e) {
        if (e instanceof SftpException se) {
            String m = se.getMessage();
            return switch (se.id) {
                case ChannelSftp.SSH_FX_NO_SUCH_FILE -> "no such file" + (m == null || m.isBlank() ? "" : ": " + m);
                case ChannelSftp.SSH_FX_PERMISSION_DENIED -> "permission denied";
                case ChannelSftp.SSH_FX_OP_UNSUPPORTED -> "operation not supported by the server";
                default -> m == null || m.isBlank() ? "SFTP status " + se.id : m;
            };
        }
        return String.valueOf(e.getMessage());
    }

    private int timeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, watchdog.stallTimeout().toMillis());
    }

    @Override
    public synchronized void close() {
        watchdog.close();
        if (shared != null) {
            shared.disconnect();
        }
        session.disconnect();
    }
}
