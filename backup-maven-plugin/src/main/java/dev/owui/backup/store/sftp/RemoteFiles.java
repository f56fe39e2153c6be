package dev.owui.backup.store.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.owui.backup.ssh.SshSession;
import dev.owui.backup.ssh.Watchdog;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * File operations on one SFTP channel, each watched by the session's watchdog, with JSch's
 * quirks kept here: most ChannelSftp methods treat {@code * ? \} in a path as a glob, so
 * every path is escaped for them (an upload named "what?.txt" must stay that file), except
 * for {@code mkdir}, which takes its path literally. Not thread-safe: one thread per instance.
 */
final class RemoteFiles {
    private final SshSession session;
    private final ChannelSftp sftp;
    /**
     * Set after a failed call: a transfer that failed halfway leaves replies to pipelined
     * requests unread (and a handle open), so the channel is closed rather than reused.
     */
    private volatile boolean broken;

    RemoteFiles(SshSession session, ChannelSftp sftp) {
        this.session = session;
        this.sftp = sftp;
    }

    SshSession session() {
        return session;
    }

    ChannelSftp channel() {
        return sftp;
    }

    boolean usable() {
        return sftp.isConnected() && session.isConnected();
    }

    void markBroken() {
        broken = true;
    }

    /** Fit to serve the next call: connected, and no failed transfer left behind. */
    boolean reusable() {
        return !broken && usable();
    }

    /** Escapes JSch's glob characters; JSch unescapes them again before sending the path. */
    static String q(String path) {
        StringBuilder b = new StringBuilder(path.length() + 8);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == '*' || c == '?') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The server's attributes of {@code path} (following links), or null when it does not exist. */
    SftpATTRS stat(String path) throws SftpException {
        try (Watchdog.Activity a = session.watch("reading the attributes of " + path)) {
            return sftp.stat(q(path));
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    /** Like {@link #stat} without following a symbolic link. */
    SftpATTRS lstat(String path) throws SftpException {
        try (Watchdog.Activity a = session.watch("reading the attributes of " + path)) {
            return sftp.lstat(q(path));
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    /** One directory entry: its name and attributes (of the entry itself, links not followed). */
    record Entry(String name, SftpATTRS attrs) {
        boolean isDir() {
            return attrs.isDir();
        }
    }

    /** The entries of a directory without "." and ".."; empty when the directory does not exist. */
    List<Entry> list(String dir) throws SftpException {
        List<Entry> out = new ArrayList<>();
        try (Watchdog.Activity a = session.watch("listing " + dir)) {
            sftp.ls(q(dir), entry -> {
                a.progress();
                String name = entry.getFilename();
                if (!name.equals(".") && !name.equals("..")) {
                    out.add(new Entry(name, entry.getAttrs()));
                }
                return ChannelSftp.LsEntrySelector.CONTINUE;
            });
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return List.of();
            }
            throw e;
        }
        return out;
    }

    /** Permissions of what the tool creates on the server: folders 0700, files 0600 (see PrivateFiles). */
    static final int PRIVATE_DIR = 0700;
    static final int PRIVATE_FILE = 0600;

    /**
     * Creates a directory, 0700 before anything is put in it (JSch's mkdir sends no attributes,
     * so the server's umask applies at creation); one that already exists is fine and left as it is.
     */
    void mkdir(String path) throws SftpException {
        try (Watchdog.Activity a = session.watch("creating " + path)) {
            sftp.mkdir(path); // literal: mkdir is the one call JSch does not glob
        } catch (SftpException e) {
            SftpATTRS there = stat(path);
            if (there == null || !there.isDir()) {
                throw e;
            }
            return;
        }
        setMode(path, PRIVATE_DIR);
    }

    /**
     * Sets permissions only. A server that refuses (a filesystem without modes) is no failure,
     * as with {@link #setModeAndTime}: there is nothing more private to make there.
     */
    void setMode(String path, int permissions) throws SftpException {
        try (Watchdog.Activity a = session.watch("setting the permissions of " + path)) {
            SftpATTRS attrs = sftp.lstat(q(path));
            attrs.setPERMISSIONS(permissions);
            try {
                sftp.setStat(q(path), attrs);
            } catch (SftpException e) {
                if (!usable()) {
                    throw e;
                }
            }
        }
    }

    /** Creates a directory and its missing parents. */
    void mkdirs(String path) throws SftpException {
        SftpATTRS there = stat(path);
        if (there != null) {
            if (!there.isDir()) {
                throw new SftpException(ChannelSftp.SSH_FX_FAILURE, path + " exists and is not a directory");
            }
            return;
        }
        String parent = RemotePaths.parent(path);
        if (!parent.equals(path)) {
            mkdirs(parent);
        }
        mkdir(path);
    }

    void remove(String path) throws SftpException {
        try (Watchdog.Activity a = session.watch("removing " + path)) {
            sftp.rm(q(path));
        }
    }

    /** Removes a file if it is there; true if it was. */
    boolean removeIfExists(String path) throws SftpException {
        try {
            remove(path);
            return true;
        } catch (SftpException e) {
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return false;
            }
            throw e;
        }
    }

    /** Removes a tree depth-first; links are removed, never followed. Absent is fine. */
    void removeTree(String path) throws SftpException {
        SftpATTRS attrs = lstat(path);
        if (attrs == null) {
            return;
        }
        if (attrs.isDir()) {
            for (Entry e : list(path)) {
                String child = RemotePaths.join(path, e.name());
                if (e.isDir()) {
                    removeTree(child);
                } else {
                    removeIfExists(child);
                }
            }
            try (Watchdog.Activity a = session.watch("removing " + path)) {
                sftp.rmdir(q(path));
            }
        } else {
            removeIfExists(path);
        }
    }

    /**
     * Renames; replaces an existing file at {@code to} when the server offers
     * posix-rename@openssh.com (JSch then uses it for every rename), otherwise SFTP's own rename
     * refuses an existing target.
     */
    void rename(String from, String to) throws SftpException {
        try (Watchdog.Activity a = session.watch("renaming " + from + " to " + to)) {
            sftp.rename(q(from), q(to));
        }
    }

    boolean offers(String extension, String version) {
        return version.equals(sftp.getExtension(extension));
    }

    boolean posixRename() {
        return offers("posix-rename@openssh.com", "1");
    }

    boolean hardlinks() {
        return offers("hardlink@openssh.com", "1");
    }

    /** A hard link {@code newLink} to {@code existing} (hardlink@openssh.com): link(2) on the server. */
    void hardlink(String existing, String newLink) throws SftpException {
        try (Watchdog.Activity a = session.watch("linking " + newLink)) {
            sftp.hardlink(q(existing), q(newLink));
        }
    }

    void symlink(String target, String link) throws SftpException {
        try (Watchdog.Activity a = session.watch("creating the link " + link)) {
            sftp.symlink(q(target), q(link));
        }
    }

    /**
     * Sets permissions and modification time (SFTP v3 times are whole seconds). JSch offers no
     * empty attribute record, so the file's own, just read, goes back with the two changed: its
     * size and owner are what they are, which makes the server's truncate and chown no-ops. A
     * server refusing is no failure: the manifest holds the attributes restore uses.
     */
    void setModeAndTime(String path, Integer permissions, long mtimeSeconds) throws SftpException {
        try (Watchdog.Activity a = session.watch("setting the attributes of " + path)) {
            SftpATTRS attrs = sftp.lstat(q(path));
            if (permissions != null) {
                attrs.setPERMISSIONS(permissions);
            }
            attrs.setACMODTIME((int) mtimeSeconds, (int) mtimeSeconds);
            try {
                sftp.setStat(q(path), attrs);
            } catch (SftpException e) {
                if (!usable()) {
                    throw e;
                }
            }
        }
    }

    /**
     * A new file (truncated if it exists), 0600 before its first byte is written; every write
     * counts as progress for the watchdog.
     */
    OutputStream create(String path) throws SftpException {
        Watchdog.Activity a = session.watch("writing " + path);
        try {
            OutputStream out = sftp.put(q(path), ChannelSftp.OVERWRITE);
            // JSch's open sends no attributes, so the server creates the file with its umask
            // (0644). The stream has sent nothing yet (it numbers its writes from the first one),
            // so the channel is free for the chmod before any content goes out.
            try {
                setMode(path, PRIVATE_FILE);
            } catch (SftpException | RuntimeException e) {
                closeQuietly(out);
                throw e;
            }
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    a.progress();
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        a.close();
                    }
                }
            };
        } catch (SftpException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // the chmod failed first: that is the error to report
        }
    }

    /** Reads a file; every read counts as progress for the watchdog. */
    InputStream read(String path) throws SftpException {
        Watchdog.Activity a = session.watch("reading " + path);
        try {
            InputStream in = sftp.get(q(path));
            return new FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n < 0 && !usable()) {
                        // JSch returns -1 when the channel dies mid-packet: that is no end of file
                        throw new IOException("the SSH connection closed before the end of " + path);
                    }
                    a.progress();
                    return n;
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        a.close();
                    }
                }
            };
        } catch (SftpException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    byte[] readAll(String path) throws SftpException, IOException {
        try (InputStream in = read(path)) {
            return in.readAllBytes();
        }
    }

    void writeAll(String path, byte[] content) throws SftpException, IOException {
        try (OutputStream out = create(path)) {
            out.write(content, 0, content.length);
        }
    }

    /**
     * Free bytes for an unprivileged user where {@code path} lives, or -1 when the server cannot
     * tell. Asked on a channel of its own: after a failed upload this one has unread replies.
     */
    long freeBytes(String path) {
        if (!offers("statvfs@openssh.com", "2")) {
            return -1;
        }
        ChannelSftp probe = null;
        try (Watchdog.Activity a = session.watch("checking free space at " + path)) {
            probe = session.openSftp();
            return probe.statVFS(q(path)).getAvailForNonRoot() * 1024; // JSch reports KiB
        } catch (SftpException | RuntimeException e) {
            return -1;
        } finally {
            if (probe != null) {
                probe.disconnect();
            }
        }
    }

    void disconnect() {
        sftp.disconnect();
    }
}
