package dev.owui.backup.store.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import dev.owui.backup.OwuiException;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.format.ManifestCodec;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.ssh.SshOptions;
import dev.owui.backup.ssh.SshSession;
import dev.owui.backup.store.BackupWriter;
import dev.owui.backup.store.Cleanup;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.store.TargetLock;
import dev.owui.backup.store.TreeNames;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A target on an SFTP server, {@code sftp://[user@]host[:port]/path}, with the same tree and
 * guarantees as a local one (FORMAT.md): each backup is built under {@code .<id>.partial},
 * the manifest goes in last (temporary name, then rename) and the tree is renamed to its id.
 * Unchanged files are hard links on the server (hardlink@openssh.com) where it offers them.
 * The SSH session is opened on first use and closed by {@link #close()}.
 */
public final class SftpTarget implements Target {

    private final SftpUrl url;
    private final boolean sync;
    private final SftpConnection conn;
    private final LocalCopies downloads = new LocalCopies("owui-sftp-download-");

    private SftpTarget(SftpUrl url, SshOptions options, boolean sync) {
        this.url = url;
        this.sync = sync;
        this.conn = new SftpConnection(url, options);
    }

    /** A target for an {@code sftp://} URL; connects on first use. Files are synced on the server before a manifest counts. */
    public static SftpTarget open(String url, SshOptions options) {
        return open(url, options, true);
    }

    /**
     * As {@link #open(String, SshOptions)}; {@code sync} false skips the best-effort
     * {@code sync -f} on the server before the manifest (SFTP itself cannot fsync).
     */
    public static SftpTarget open(String url, SshOptions options, boolean sync) {
        return new SftpTarget(SftpUrl.parse(url), options, sync);
    }

    public SftpUrl url() {
        return url;
    }

    @Override
    public String location() {
        return url.toString();
    }

    String instanceDir(String instance) {
        return RemotePaths.join(url.path(), instance);
    }

    String backupDir(String instance, String id) {
        return RemotePaths.join(instanceDir(instance), id);
    }

    SftpConnection connection() {
        return conn;
    }

    boolean sync() {
        return sync;
    }

    @Override
    public boolean exists() {
        return conn.call("reading the attributes of " + url.path(), f -> {
            com.jcraft.jsch.SftpATTRS a = f.stat(url.path());
            return a != null && a.isDir();
        });
    }

    @Override
    public List<String> instances() {
        return conn.call("listing " + url.path(), f -> {
            List<String> out = new ArrayList<>();
            for (RemoteFiles.Entry e : f.list(url.path())) {
                if (e.isDir() && !e.name().startsWith(".")) {
                    out.add(e.name());
                }
            }
            out.sort(null);
            return out;
        });
    }

    @Override
    public List<String> backups(String instance) {
        String dir = instanceDir(instance);
        return conn.call("listing the backups in " + dir, f -> {
            List<String> ids = new ArrayList<>();
            for (RemoteFiles.Entry e : f.list(dir)) {
                if (e.isDir() && BackupId.isValid(e.name()) && f.stat(RemotePaths.join(RemotePaths.join(dir, e.name()), Manifest.FILE_NAME)) != null) {
                    ids.add(e.name());
                }
            }
            ids.sort(BackupId::compare);
            return ids;
        });
    }

    @Override
    public List<String> format3Ids(String instance) {
        String dir = RemotePaths.join(instanceDir(instance), "backups");
        return conn.call("listing the format 3 backups in " + dir, f -> {
            List<String> ids = new ArrayList<>();
            for (RemoteFiles.Entry e : f.list(dir)) {
                String n = e.name();
                if (!e.isDir() && n.endsWith(".json") && BackupId.isValid(n.substring(0, n.length() - 5))) {
                    ids.add(n.substring(0, n.length() - 5));
                }
            }
            return ids;
        });
    }

    @Override
    public List<String> incomplete(String instance) {
        String dir = instanceDir(instance);
        return conn.call("listing " + dir, f -> {
            List<String> out = new ArrayList<>();
            for (RemoteFiles.Entry e : f.list(dir)) {
                String name = e.name();
                if (!e.isDir()) {
                    continue;
                }
                if (TreeNames.isPartial(name)) {
                    out.add(TreeNames.ofPartial(name));
                } else if (BackupId.isValid(name) && f.stat(RemotePaths.join(RemotePaths.join(dir, name), Manifest.FILE_NAME)) == null) {
                    out.add(name);
                }
            }
            out.sort(null);
            return out;
        });
    }

    @Override
    public Cleanup removeIncomplete(String instance) {
        String dir = instanceDir(instance);
        // Listing the folder still fails as it would for backups(): it is what exists. Removing a
        // leftover that the server refuses only warns.
        return conn.call("listing " + dir + " for interrupted backups", f -> {
            List<String> removed = new ArrayList<>();
            List<String> left = new ArrayList<>();
            for (RemoteFiles.Entry e : f.list(dir)) {
                if (e.isDir() && TreeNames.isPartial(e.name())) {
                    String tree = RemotePaths.join(dir, e.name());
                    String refused = removeLeftover(f, tree);
                    if (refused == null) {
                        removed.add(e.name());
                    } else {
                        left.add(refused);
                    }
                }
            }
            return new Cleanup(removed, left);
        });
    }

    /**
     * Removes a tree that no longer counts as a backup; null when it is gone, else the warning
     * naming it and what the server said. A lost or stalled connection still throws: the run
     * cannot go on without it anyway, and its message says so better.
     */
    private String removeLeftover(RemoteFiles f, String tree) throws SftpException {
        try {
            f.removeTree(tree);
            return null;
        } catch (SftpException e) {
            if (!f.usable() || f.session().stalled() != null || (e.getCause() != null && !(e.getCause() instanceof SftpException))) {
                throw e;
            }
            return Cleanup.leftover(url.withPath(tree).toString(), SftpFailures.of(f, url, "removing " + tree, e).problem());
        }
    }

    @Override
    public void writeDamageRecord(String instance, String name, byte[] json) {
        String dir = RemotePaths.join(instanceDir(instance), dev.owui.backup.format.DamageRecord.DIR);
        String file = RemotePaths.join(dir, name);
        String tmp = RemotePaths.join(dir, "." + name + ".tmp");
        conn.call("writing " + file, f -> {
            f.mkdirs(dir);
            f.writeAll(tmp, json);
            f.setModeAndTime(tmp, 0600, java.time.Instant.now().getEpochSecond()); // private before it gets its name
            f.rename(tmp, file); // a fresh name: plain SFTP rename suffices
            return null;
        });
    }

    @Override
    public java.util.Map<String, byte[]> damageRecords(String instance) {
        String dir = RemotePaths.join(instanceDir(instance), dev.owui.backup.format.DamageRecord.DIR);
        return conn.call("reading the damage records in " + dir, f -> {
            java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
            for (RemoteFiles.Entry e : f.list(dir)) {
                String name = e.name();
                if (!e.isDir() && !name.startsWith(".") && name.endsWith(".json")) {
                    try {
                        out.put(name, f.readAll(RemotePaths.join(dir, name)));
                    } catch (SftpException gone) {
                        if (gone.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                            throw gone;
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void removeDamageRecord(String instance, String name) {
        String file = RemotePaths.join(RemotePaths.join(instanceDir(instance), dev.owui.backup.format.DamageRecord.DIR), name);
        conn.call("removing " + file, f -> f.removeIfExists(file));
    }

    @Override
    public Manifest manifest(String instance, String backupId) {
        return readManifest(instance, backupId, false);
    }

    @Override
    public Manifest summary(String instance, String backupId) {
        return readManifest(instance, backupId, true);
    }

    private Manifest readManifest(String instance, String backupId, boolean headerOnly) {
        String m = RemotePaths.join(backupDir(instance, backupId), Manifest.FILE_NAME);
        String where = url.withPath(m).toString();
        return conn.call("reading " + m, f -> {
            try (RecordingInput in = new RecordingInput(f.read(m))) {
                try {
                    return headerOnly ? ManifestCodec.readSummary(in, where) : ManifestCodec.read(in, where);
                } catch (OwuiException unreadable) {
                    if (in.failure != null) {
                        throw in.failure; // the connection failed, not the manifest
                    }
                    throw unreadable;
                }
            } catch (SftpException e) {
                if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                    throw new OwuiException("no backup " + backupId + " of instance " + instance + " at " + location(),
                            "run owui:list to see the backups there");
                }
                throw e;
            }
        });
    }

    /** Remembers the I/O failure of the stream it wraps, which a JSON parser would report as bad content. */
    private static final class RecordingInput extends FilterInputStream {
        IOException failure;

        RecordingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    /**
     * The stored bytes of one file; the SFTP channel stays borrowed until the stream is closed.
     * A missing file is a {@link NoSuchFileException}, as on a local target.
     */
    @Override
    public InputStream open(String instance, String backupId, String path) throws IOException {
        String file = RemotePaths.under(backupDir(instance, backupId), path);
        RemoteFiles f;
        try {
            f = conn.borrow(null, "reading " + file);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted opening " + file);
        }
        try {
            InputStream in = f.read(file);
            return new FilterInputStream(in) {
                private boolean released;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return in.read(b, off, len);
                    } catch (IOException | RuntimeException e) {
                        f.markBroken();
                        if (!f.usable() || f.session().stalled() != null) {
                            throw f.session().failure("reading " + file, e);
                        }
                        throw e;
                    }
                }

                @Override
                public void close() throws IOException {
                    if (released) {
                        return;
                    }
                    released = true;
                    try {
                        in.close();
                    } finally {
                        conn.release(f);
                    }
                }
            };
        } catch (SftpException e) {
            if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                f.markBroken();
            }
            conn.release(f);
            if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                throw new NoSuchFileException(location() + ":" + file);
            }
            throw SftpFailures.of(f, url, "reading " + file, e);
        } catch (RuntimeException e) {
            conn.release(f);
            throw e;
        }
    }

    /**
     * Downloads one stored file to a local temp file (SQLite needs a file); the copies live in a
     * folder of this target that {@link #close()} removes. Stored files never change, so a copy
     * made earlier in the run is reused.
     */
    @Override
    public Path localFile(String instance, String backupId, String path) throws IOException {
        return downloads.get(instance, backupId, path, () -> open(instance, backupId, path));
    }

    @Override
    public TargetLock lock(String instance) {
        return SftpLock.acquire(conn, location() + "/" + instance, instanceDir(instance), p -> sshCommand("rm " + RemotePaths.shellQuote(p)));
    }

    /** The command an operator runs to do {@code remoteCommand} on this server, as the URL names it. */
    String sshCommand(String remoteCommand) {
        String arg = remoteCommand.matches("[^\"$`\\\\]*") ? "\"" + remoteCommand + "\"" : RemotePaths.shellQuote(remoteCommand);
        return "ssh " + (url.port() > 0 ? "-p " + url.port() + " " : "") + (url.user() == null ? "" : url.user() + "@") + url.host() + " " + arg;
    }

    @Override
    public Optional<String> delete(String instance, String backupId) {
        if (!BackupId.isValid(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + backupId);
        }
        String dir = backupDir(instance, backupId);
        // Hidden first (one rename), so a crash halfway leaves a partial tree, never a
        // complete-looking backup with files missing. After the rename it no longer counts:
        // what the server refuses to remove is a leftover for the next clean-up.
        String doomed = RemotePaths.join(instanceDir(instance), TreeNames.deleting(backupId));
        return conn.call("removing backup " + backupId, f -> {
            f.rename(dir, doomed);
            return Optional.ofNullable(removeLeftover(f, doomed));
        });
    }

    @Override
    public BackupWriter begin(String instance, String backupId) {
        String partial = RemotePaths.join(instanceDir(instance), TreeNames.partial(backupId));
        SshSession session = conn.session();
        boolean[] caps = conn.call(session, "starting backup " + backupId, f -> {
            f.removeTree(partial); // a leftover of a crashed run: we hold the lock, so nobody else writes it
            f.mkdirs(partial);
            return new boolean[] {f.hardlinks(), f.posixRename()};
        });
        Path staging;
        try {
            staging = Files.createTempDirectory("owui-sftp-staging-");
        } catch (IOException e) {
            throw new OwuiException("cannot create a local staging folder for the database copies: " + e.getMessage(),
                    "check the temp directory (java.io.tmpdir) has room for webui.db", e);
        }
        return new SftpBackupWriter(this, session, instance, backupId, partial, staging, caps[0], caps[1]);
    }

    /** Closes the SSH session and removes the local copies made by {@link #localFile}. */
    @Override
    public void close() {
        conn.close();
        downloads.close();
    }

}
