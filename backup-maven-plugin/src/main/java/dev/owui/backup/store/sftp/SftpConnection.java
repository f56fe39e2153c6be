package dev.owui.backup.store.sftp;

import com.jcraft.jsch.SftpException;
import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.SshConnector;
import dev.owui.backup.ssh.SshOptions;
import dev.owui.backup.ssh.SshSession;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One SSH session to a target, opened on first use, and a small pool of SFTP channels on it so
 * the backup's worker threads store files in parallel (a channel serves one request at a time).
 * A session that died (server gone, watchdog) is replaced on the next use, so a later run in
 * the same JVM starts afresh; clean-up after a failure does not reconnect.
 */
final class SftpConnection implements AutoCloseable {
    /** OpenSSH allows 10 channels per connection (MaxSessions); leave room for exec channels. */
    static final int MAX_CHANNELS = 8;

    private final SftpUrl url;
    private final SshOptions options;
    private SshSession session;
    private final Deque<RemoteFiles> idle = new ArrayDeque<>();
    private int inUse;
    private boolean closed;

    SftpConnection(SftpUrl url, SshOptions options) {
        this.url = url;
        this.options = options;
    }

    /** A remote operation on a borrowed channel. */
    @FunctionalInterface
    interface Call<T> {
        T run(RemoteFiles files) throws SftpException, IOException;
    }

    /** The live session, connecting (again) if needed. */
    synchronized SshSession session() {
        if (closed) {
            throw new IllegalStateException("the SFTP target " + url + " is closed");
        }
        if (session == null || !session.isConnected()) {
            if (session != null) {
                session.close();
                idle.clear(); // their channels died with the session
            }
            session = null;
            session = SshConnector.open(url, options);
        }
        return session;
    }

    /** The current session if it is alive, else null; never connects. */
    synchronized SshSession liveSession() {
        return session != null && session.isConnected() ? session : null;
    }

    /**
     * Borrows a channel, waiting while all are in use. On {@code pinned} (a writer stays on the
     * session it began with, so a run never silently continues on a new connection), else on the
     * current session, connecting if needed. Fails with the operator's message when a pinned
     * session is gone.
     */
    RemoteFiles borrow(SshSession pinned, String doing) throws InterruptedException {
        SshSession s;
        synchronized (this) {
            while (inUse >= MAX_CHANNELS) {
                wait();
            }
            s = pinned != null ? pinned : session();
            if (!s.isConnected()) {
                throw s.failure(doing, new java.io.EOFException("the connection is closed"));
            }
            while (!idle.isEmpty()) {
                RemoteFiles f = idle.pop();
                if (f.session() == s && f.reusable()) {
                    inUse++;
                    return f;
                }
                f.disconnect();
            }
            inUse++;
        }
        try {
            // Opened outside the lock: a round trip, and other threads may borrow meanwhile.
            return new RemoteFiles(s, s.openSftp());
        } catch (RuntimeException e) {
            release(null);
            throw e;
        }
    }

    synchronized void release(RemoteFiles f) {
        inUse--;
        if (f != null) {
            if (!closed && f.reusable() && f.session() == session) {
                idle.push(f);
            } else {
                f.disconnect();
            }
        }
        notifyAll();
    }

    /** {@link #call(SshSession, String, Call)} on the current session. */
    <T> T call(String doing, Call<T> call) {
        return call(null, doing, call);
    }

    /**
     * Runs {@code call} on a borrowed channel; a failure becomes the operator's message about
     * {@code doing} (a stall, a lost connection, or what the server said).
     */
    <T> T call(SshSession pinned, String doing, Call<T> call) {
        RemoteFiles f;
        try {
            f = borrow(pinned, doing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("interrupted while " + doing + " at " + url, null, e);
        }
        try {
            return call.run(f);
        } catch (SftpException | IOException e) {
            f.markBroken();
            throw SftpFailures.of(f, url, doing, e);
        } catch (RuntimeException e) {
            f.markBroken(); // e.g. the source vanished mid-upload: the transfer was cut short
            throw e;
        } finally {
            release(f);
        }
    }

    /**
     * For clean-up after a failure: runs {@code call} only if {@code pinned} (or, when null, the
     * current session) is still alive, never connects, never fails. True when it ran through.
     */
    boolean tryCall(SshSession pinned, Call<?> call) {
        SshSession s = pinned != null ? pinned : liveSession();
        if (s == null || !s.isConnected()) {
            return false;
        }
        try {
            RemoteFiles f = borrow(s, "cleaning up");
            try {
                call.run(f);
                return true;
            } catch (Exception e) {
                f.markBroken();
                throw e;
            } finally {
                release(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        idle.forEach(RemoteFiles::disconnect);
        idle.clear();
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
