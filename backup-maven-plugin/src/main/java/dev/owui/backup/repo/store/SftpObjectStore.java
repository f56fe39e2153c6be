package dev.owui.backup.repo.store;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.SshConnector;
import dev.owui.backup.ssh.SshOptions;
import dev.owui.backup.ssh.SshSession;
import dev.owui.backup.ssh.Watchdog;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A store in a folder on an SSH server, over SFTP ({@code sftp://user@host/path}): a key is a
 * file under the URL's path, as in {@link LocalObjectStore}, files 0600 and created folders
 * 0700. A write uploads to a temp name in the object's folder, then publishes it with
 * {@code hardlink@openssh.com} (the server's {@code link(2)}: fails when the name exists) and
 * removes the temp name. Without that extension it renames: SFTP v3's rename does not replace an
 * existing file (OpenSSH implements it as link then unlink), but JSch sends every rename as
 * {@code posix-rename@openssh.com}, which does replace, when the server offers that; then the
 * key's absence is checked first (safe for the repository: see {@link LocalObjectStore}'s same
 * fallback). SFTP offers no fsync that JSch can send: durability is the server's (the head is
 * written last, so a crash loses at most a backup that never completed).
 *
 * <p>One SSH session, opened again when it died (server restarted, watchdog), and up to
 * {@value #MAX_CHANNELS} SFTP channels on it so threads work in parallel (a channel serves one
 * request at a time; OpenSSH allows 10 per connection). Every remote call is watched by the
 * session's stall watchdog.
 */
public final class SftpObjectStore implements ObjectStore {
    static final int MAX_CHANNELS = 8;
    private static final int FILE_MODE = 0600;
    private static final int DIR_MODE = 0700;
    /** OpenSSH's SSH2_FX_FILE_ALREADY_EXISTS (SFTP v5+ servers may send it for link and rename). */
    private static final int FX_FILE_ALREADY_EXISTS = 11;

    private final SftpUrl url;
    private final SshOptions options;
    private final String root;
    /** False: act as with a server without hardlink@openssh.com (tests run the rename fallback against OpenSSH). */
    private final boolean useHardlinks;
    private final KeyLocks keyLocks = new KeyLocks();
    private final Deque<Channel> idle = new ArrayDeque<>();
    private SshSession session;
    private int inUse;
    private boolean closed;

    private SftpObjectStore(SftpUrl url, SshOptions options, boolean useHardlinks) {
        this.url = url;
        this.options = options;
        this.root = url.path();
        this.useHardlinks = useHardlinks;
    }

    /** Connects to the server (an OwuiException names what is wrong: host key, login, network). */
    public static SftpObjectStore open(SftpUrl url, SshOptions options) {
        return open(url, options, true);
    }

    static SftpObjectStore open(SftpUrl url, SshOptions options, boolean useHardlinks) {
        SftpObjectStore s = new SftpObjectStore(url, options, useHardlinks);
        s.session();
        return s;
    }

    private boolean hardlinksOffered(Channel c) {
        return useHardlinks && "1".equals(c.sftp.getExtension("hardlink@openssh.com"));
    }

    @Override
    public String location() {
        return url.toString();
    }

    /** A channel and the session it belongs to; broken after a failed call (unread replies may follow). */
    private static final class Channel {
        final SshSession session;
        final ChannelSftp sftp;
        boolean broken;
        /** The watchdog's view of the call in progress: every reply or block of bytes is progress. */
        Watchdog.Activity activity;

        Channel(SshSession session, ChannelSftp sftp) {
            this.session = session;
            this.sftp = sftp;
        }

        boolean reusable() {
            return !broken && sftp.isConnected() && session.isConnected();
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run(Channel c) throws SftpException, IOException;
    }

    private synchronized SshSession session() {
        if (closed) {
            throw new IllegalStateException("the SFTP store " + url + " is closed");
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

    private Channel borrow() {
        SshSession s;
        synchronized (this) {
            while (inUse >= MAX_CHANNELS) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new OwuiException("interrupted while waiting for an SFTP channel to " + url, null, e);
                }
            }
            s = session();
            while (!idle.isEmpty()) {
                Channel c = idle.pop();
                if (c.session == s && c.reusable()) {
                    inUse++;
                    return c;
                }
                c.sftp.disconnect();
            }
            inUse++;
        }
        try {
            return new Channel(s, s.openSftp()); // a round trip: outside the lock
        } catch (RuntimeException e) {
            release(null);
            throw e;
        }
    }

    private synchronized void release(Channel c) {
        inUse--;
        if (c != null) {
            if (!closed && c.reusable() && c.session == session) {
                idle.push(c);
            } else {
                c.sftp.disconnect();
            }
        }
        notifyAll();
    }

    /** Runs one remote operation on a borrowed channel; failures become the operator's message about {@code doing}. */
    private <T> T call(String doing, Call<T> call) {
        Channel c = borrow();
        try (Watchdog.Activity a = c.session.watch(doing)) {
            c.activity = a;
            return call.run(c);
        } catch (SftpException | IOException e) {
            c.broken = true;
            throw failure(c, doing, e);
        } catch (RuntimeException e) {
            c.broken = true;
            throw e;
        } finally {
            release(c);
        }
    }

    private OwuiException failure(Channel c, String doing, Exception e) {
        return c.session.failure(doing + " at " + url, e);
    }

    /** Escapes JSch's glob characters ({@code * ? \}), which it would otherwise expand in the root's or a tree's path. */
    private static String q(String path) {
        StringBuilder b = new StringBuilder(path.length() + 8);
        for (int i = 0; i < path.length(); i++) {
            char ch = path.charAt(i);
            if (ch == '\\' || ch == '*' || ch == '?') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }

    private String remote(String relative) {
        return root.equals("/") ? "/" + relative : root + "/" + relative;
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static boolean notFound(SftpException e) {
        return e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE;
    }

    private static SftpATTRS lstat(Channel c, String path) throws SftpException {
        try {
            return c.sftp.lstat(q(path));
        } catch (SftpException e) {
            if (notFound(e)) {
                return null;
            }
            throw e;
        }
    }

    /** Creates a folder and its missing parents, each 0700; existing ones stay as they are. */
    private static void mkdirs(Channel c, String dir) throws SftpException {
        SftpATTRS there = lstat(c, dir);
        if (there != null) {
            if (!there.isDir()) {
                throw new SftpException(ChannelSftp.SSH_FX_FAILURE, dir + " exists and is not a folder");
            }
            return;
        }
        String parent = parentOf(dir);
        if (!parent.equals(dir)) {
            mkdirs(c, parent);
        }
        try {
            c.sftp.mkdir(dir); // literal: the one call JSch does not glob
            c.sftp.chmod(DIR_MODE, q(dir)); // the server's umask applied to mkdir's default
        } catch (SftpException e) {
            SftpATTRS now = lstat(c, dir);
            if (now == null || !now.isDir()) {
                throw e; // not another thread creating it at the same moment
            }
        }
    }

    private static Instant mtime(SftpATTRS a) {
        return Instant.ofEpochSecond(Integer.toUnsignedLong(a.getMTime()));
    }

    @Override
    public void list(String prefix, Consumer<StoreStat> each) {
        Keys.checkPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        call("listing " + prefix, c -> {
            walk(c, slash < 0 ? "" : prefix.substring(0, slash), prefix.substring(slash + 1), each);
            return null;
        });
    }

    private record Found(String sortKey, String name, SftpATTRS attrs) {
    }

    /** One folder's entries (a folder sorts as its name plus '/', so keys come in ascending order). */
    private List<Found> entries(Channel c, String dir, String namePrefix, boolean temps) throws SftpException {
        List<Found> found = new ArrayList<>();
        try {
            c.sftp.ls(q(dir), e -> {
                c.activity.progress();
                String name = e.getFilename();
                SftpATTRS a = e.getAttrs();
                if (name.startsWith(namePrefix)) {
                    if (a.isDir() && Keys.isComponent(name)) {
                        found.add(new Found(name + "/", name, a));
                    } else if (a.isReg() && (temps ? Keys.isTemp(name) : Keys.isComponent(name))) {
                        found.add(new Found(name, name, a));
                    }
                }
                return ChannelSftp.LsEntrySelector.CONTINUE;
            });
        } catch (SftpException e) {
            if (notFound(e)) {
                return List.of();
            }
            throw e;
        }
        found.sort(Comparator.comparing(Found::sortKey));
        return found;
    }

    private void walk(Channel c, String dirKey, String namePrefix, Consumer<StoreStat> each) throws SftpException {
        String base = dirKey.isEmpty() ? "" : dirKey + "/";
        for (Found f : entries(c, dirKey.isEmpty() ? root : remote(dirKey), namePrefix, false)) {
            if (f.attrs().isDir()) {
                walk(c, base + f.name(), "", each);
            } else {
                each.accept(new StoreStat(base + f.name(), f.attrs().getSize(), mtime(f.attrs())));
                c.activity.progress(); // the caller's time per object is not the server stalling
            }
        }
    }

    @Override
    public Optional<StoreStat> stat(String key) {
        String path = remote(Keys.check(key));
        return call("reading the attributes of " + key, c -> {
            SftpATTRS a = lstat(c, path);
            return a != null && a.isReg() ? Optional.of(new StoreStat(key, a.getSize(), mtime(a))) : Optional.empty();
        });
    }

    @Override
    public InputStream read(String key) {
        return open(key, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
        }
        return open(key, offset, length);
    }

    /**
     * A stream over a borrowed channel, given back when the stream is closed. A stream closed
     * before its end leaves read-ahead replies in flight, so that channel is not reused.
     */
    private InputStream open(String key, long offset, long length) {
        String path = remote(Keys.check(key));
        Channel c = borrow();
        Watchdog.Activity a = c.session.watch("reading " + key);
        InputStream in;
        try {
            in = offset == 0 ? c.sftp.get(q(path)) : c.sftp.get(q(path), null, offset);
        } catch (SftpException e) {
            a.close();
            c.broken = true;
            release(c);
            if (notFound(e)) {
                throw new NoSuchObjectException(location(), key);
            }
            throw failure(c, "reading " + key, e);
        } catch (RuntimeException e) {
            a.close();
            c.broken = true;
            release(c);
            throw e;
        }
        BoundedInputStream bounded = new BoundedInputStream(in, length);
        return new FilterInputStream(bounded) {
            private boolean atEnd;
            private boolean closed;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = bounded.read(b, off, len);
                if (n < 0) {
                    if (!bounded.exhausted() && !c.session.isConnected()) {
                        // JSch returns -1 when the channel dies mid-packet: that is no end of file
                        c.broken = true;
                        throw new IOException("the SSH connection to " + url + " closed before the end of " + key);
                    }
                    atEnd = true;
                }
                a.progress();
                return n;
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    if (!atEnd) {
                        c.broken = true;
                    }
                    in.close();
                } finally {
                    a.close();
                    release(c);
                }
            }
        };
    }

    @FunctionalInterface
    private interface Source {
        InputStream open() throws IOException;
    }

    @Override
    public boolean writeIfAbsent(String key, Path file) {
        return write(key, () -> {
            try {
                return Files.newInputStream(file);
            } catch (NoSuchFileException e) {
                throw new OwuiException("cannot store " + key + ": its source " + file + " does not exist", "this is a bug: report it", e);
            }
        });
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] bytes) {
        return write(key, () -> new ByteArrayInputStream(bytes));
    }

    private boolean write(String key, Source source) {
        String path = remote(Keys.check(key));
        String dir = parentOf(path);
        String temp = dir + "/" + Keys.tempName(Keys.name(key));
        boolean[] uploaded = {false};
        try {
            return call("writing " + key, c -> {
                mkdirs(c, dir);
                try (InputStream in = source.open(); OutputStream out = c.sftp.put(q(temp), ChannelSftp.OVERWRITE)) {
                    uploaded[0] = true;
                    byte[] buf = new byte[64 << 10];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        c.activity.progress();
                    }
                }
                // Created with the server's default mode; the folder is 0700, so nobody else could read it meanwhile.
                c.sftp.chmod(FILE_MODE, q(temp));
                try {
                    return publish(c, key, temp, path);
                } finally {
                    removeIfExists(c, temp);
                }
            });
        } catch (RuntimeException e) {
            if (uploaded[0]) {
                removeQuietly(temp); // on a fresh channel, if the session still lives; else removeStaleTemps will
            }
            throw e;
        }
    }

    /** Gives the uploaded temp file its key's name, unless that name exists. */
    private boolean publish(Channel c, String key, String temp, String path) throws SftpException {
        if (hardlinksOffered(c)) {
            try {
                c.sftp.hardlink(q(temp), q(path));
                return true;
            } catch (SftpException e) {
                if (lstat(c, path) != null) {
                    return false; // link(2) said EEXIST (OpenSSH reports it as a bare Failure)
                }
                throw e;
            }
        }
        if ("1".equals(c.sftp.getExtension("posix-rename@openssh.com"))) {
            // JSch renames with posix-rename, which replaces: check absence first, serialized per key here.
            ReentrantLock lock = keyLocks.of(key);
            lock.lock();
            try {
                if (lstat(c, path) != null) {
                    return false;
                }
                c.sftp.rename(q(temp), q(path));
                return true;
            } finally {
                lock.unlock();
            }
        }
        try {
            c.sftp.rename(q(temp), q(path)); // SFTP v3 rename refuses an existing target
            return true;
        } catch (SftpException e) {
            if ((e.id == ChannelSftp.SSH_FX_FAILURE || e.id == FX_FILE_ALREADY_EXISTS) && lstat(c, path) != null) {
                return false;
            }
            throw e;
        }
    }

    private static void removeIfExists(Channel c, String path) throws SftpException {
        try {
            c.sftp.rm(q(path));
        } catch (SftpException e) {
            if (!notFound(e)) {
                throw e;
            }
        }
    }

    /** Best-effort clean-up after a failed write: never connects again, never fails. */
    private void removeQuietly(String path) {
        SshSession s;
        synchronized (this) {
            s = session;
        }
        if (s == null || !s.isConnected()) {
            return;
        }
        try {
            call("removing " + path, c -> {
                removeIfExists(c, path);
                return null;
            });
        } catch (RuntimeException ignored) {
            // a leftover temp is never listed; removeStaleTemps collects it
        }
    }

    @Override
    public void delete(String key) {
        String path = remote(Keys.check(key));
        call("removing " + key, c -> {
            removeIfExists(c, path);
            return null;
        });
    }

    @Override
    public Optional<HardLinks> hardLinks() {
        boolean offered = call("asking for the server's extensions", this::hardlinksOffered);
        return offered ? Optional.of(this::link) : Optional.empty();
    }

    private boolean link(String fromKey, String toPath) {
        String from = remote(Keys.check(fromKey));
        String to = remote(Keys.checkTreePath(toPath));
        return call("linking " + toPath + " to " + fromKey, c -> {
            SftpATTRS a = lstat(c, from);
            if (a == null || !a.isReg()) {
                throw new NoSuchObjectException(location(), fromKey);
            }
            mkdirs(c, parentOf(to));
            try {
                c.sftp.hardlink(q(from), q(to));
                return true;
            } catch (SftpException e) {
                if (lstat(c, to) != null) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Folders and files of browsable trees on the server (each call on a borrowed channel, watched as every other). */
    @Override
    public Optional<TreeFiles> treeFiles() {
        return Optional.of(new Tree());
    }

    /** {@link TreeFiles} over SFTP: the same private modes as objects (a chmod before any byte or entry goes in). */
    private final class Tree implements TreeFiles {
        private String at(String path) {
            return remote(Keys.checkTreePath(path));
        }

        @Override
        public void mkdirs(String dir) {
            String d = at(dir);
            call("creating the folder " + dir, c -> {
                SftpObjectStore.mkdirs(c, d);
                return null;
            });
        }

        @Override
        public void write(String path, InputStream in) {
            String p = at(path);
            call("writing " + path, c -> {
                try (OutputStream out = c.sftp.put(q(p), ChannelSftp.OVERWRITE)) {
                    // JSch's open sends no attributes (the server's umask applies): private before the first byte.
                    c.sftp.chmod(FILE_MODE, q(p));
                    byte[] buf = new byte[64 << 10];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        out.write(buf, 0, n);
                        c.activity.progress();
                    }
                }
                return null;
            });
        }

        @Override
        public void put(String path, Path local) {
            try (InputStream in = Files.newInputStream(local)) {
                write(path, in);
            } catch (IOException e) {
                throw new OwuiException("cannot read " + local + " to send it as " + path + " to " + url + ": " + e.getMessage(),
                        "check the local scratch folder (free space, permissions)", e);
            }
            try {
                Files.deleteIfExists(local);
            } catch (IOException ignored) {
                // a scratch file; the scratch folder is cleaned with the run
            }
        }

        @Override
        public void symlink(String path, String target) {
            String p = at(path);
            call("creating the symbolic link " + path, c -> {
                c.sftp.symlink(q(target), q(p)); // OpenSSH takes (target, link), JSch sends them in that order
                return null;
            });
        }

        @Override
        public void setMtime(String path, Instant mtime) {
            String p = at(path);
            call("setting the time of " + path, c -> {
                SftpATTRS a = c.sftp.lstat(q(p));
                if (a.isLink()) {
                    return null; // SETSTAT would follow it; a link's own time is cosmetic
                }
                int s = (int) mtime.getEpochSecond();
                SftpATTRS times = new SftpATTRS(); // the times alone: a size would make the server truncate (a folder: refused)
                times.setACMODTIME(s, s);
                c.sftp.setStat(q(p), times);
                return null;
            });
        }

        @Override
        public void rename(String from, String to) {
            String f = at(from);
            String t = at(to);
            call("renaming " + from + " to " + to, c -> {
                if (lstat(c, t) != null) {
                    throw new OwuiException("cannot rename " + from + " to " + to + " at " + url + ": " + to + " exists",
                            "this is a bug: report it");
                }
                c.sftp.rename(q(f), q(t));
                return null;
            });
        }

        @Override
        public List<String> list(String dir) {
            String d = at(dir);
            return call("listing " + dir, c -> {
                List<String> names = new ArrayList<>();
                try {
                    c.sftp.ls(q(d), e -> {
                        c.activity.progress();
                        if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                            names.add(e.getFilename());
                        }
                        return ChannelSftp.LsEntrySelector.CONTINUE;
                    });
                } catch (SftpException e) {
                    if (notFound(e)) {
                        return List.of();
                    }
                    throw e;
                }
                return names;
            });
        }

        @Override
        public void removeTree(String path) {
            String p = at(path);
            call("removing " + path, c -> {
                removeAll(c, p);
                return null;
            });
        }

        /** Depth first; a symbolic link is removed, never followed. */
        private void removeAll(Channel c, String p) throws SftpException {
            SftpATTRS a = lstat(c, p);
            if (a == null) {
                return;
            }
            if (a.isDir()) {
                List<String> names = new ArrayList<>();
                c.sftp.ls(q(p), e -> {
                    c.activity.progress();
                    if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                        names.add(e.getFilename());
                    }
                    return ChannelSftp.LsEntrySelector.CONTINUE;
                });
                for (String n : names) {
                    removeAll(c, p + "/" + n);
                }
                c.sftp.rmdir(q(p));
            } else {
                removeIfExists(c, p);
            }
            c.activity.progress();
        }
    }

    @Override
    public int removeStaleTemps(String prefix, Duration olderThan) {
        Keys.checkPrefix(prefix);
        Instant cutoff = olderThan.isZero() ? null : Instant.now().minus(olderThan); // null: every temp
        int slash = prefix.lastIndexOf('/');
        String dirKey = slash < 0 ? "" : prefix.substring(0, slash);
        return call("removing stale temp files under " + (prefix.isEmpty() ? "the root" : prefix),
                c -> removeTemps(c, dirKey.isEmpty() ? root : remote(dirKey), prefix.substring(slash + 1), cutoff));
    }

    private int removeTemps(Channel c, String dir, String namePrefix, Instant cutoff) throws SftpException {
        int removed = 0;
        for (Found f : entries(c, dir, namePrefix, true)) {
            String p = dir.equals("/") ? "/" + f.name() : dir + "/" + f.name();
            if (f.attrs().isDir()) {
                removed += removeTemps(c, p, "", cutoff);
            } else if (cutoff == null || mtime(f.attrs()).isBefore(cutoff)) {
                removeIfExists(c, p);
                c.activity.progress();
                removed++;
            }
        }
        return removed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        idle.forEach(ch -> ch.sftp.disconnect());
        idle.clear();
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
