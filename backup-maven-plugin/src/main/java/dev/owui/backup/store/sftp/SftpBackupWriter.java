package dev.owui.backup.store.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import dev.owui.backup.OwuiException;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.format.ManifestCodec;
import dev.owui.backup.report.CountingInputStream;
import dev.owui.backup.ssh.ExecResult;
import dev.owui.backup.ssh.SshSession;
import dev.owui.backup.store.BackupWriter;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.SourceVanishedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Writes one backup tree on an SFTP server under {@code .<id>.partial} and renames it to its id
 * once the manifest is in. Every file is uploaded under a temporary name and renamed into
 * place, never modified in place (an inode may be shared by later backups' hard links).
 * Databases are captured into local staging files (SQLite needs a local file), then uploaded.
 */
final class SftpBackupWriter implements BackupWriter {
    private static final int CHUNK = 256 * 1024;
    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[CHUNK]);

    private final SftpTarget target;
    private final SftpConnection conn;
    /** The session this backup began on: a run never continues on a new connection. */
    private final SshSession session;
    private final String instance;
    private final String backupId;
    private final String partial;
    private final Path staging;
    private final boolean hardlinks;
    private final boolean posixRename;
    private final ConcurrentHashMap<String, Boolean> madeDirs = new ConcurrentHashMap<>();
    private final AtomicLong staged = new AtomicLong();
    private volatile boolean committed;

    SftpBackupWriter(SftpTarget target, SshSession session, String instance, String backupId, String partial, Path staging,
                     boolean hardlinks, boolean posixRename) {
        this.target = target;
        this.conn = target.connection();
        this.session = session;
        this.instance = instance;
        this.backupId = backupId;
        this.partial = partial;
        this.staging = staging;
        this.hardlinks = hardlinks;
        this.posixRename = posixRename;
        madeDirs.put(partial, Boolean.TRUE);
    }

    /** The file's place in the partial tree, its parent folder created on first need. */
    private String dest(RemoteFiles f, String path) throws SftpException {
        String d = RemotePaths.under(partial, path);
        String parent = RemotePaths.parent(d);
        if (!madeDirs.containsKey(parent)) {
            f.mkdirs(parent); // idempotent, so two threads racing for one folder both succeed
            madeDirs.put(parent, Boolean.TRUE);
        }
        return d;
    }

    private static String temp(String d) {
        return RemotePaths.join(RemotePaths.parent(d), "." + RemotePaths.name(d) + ".owui-tmp");
    }

    @Override
    public Path stagingFile(String path) {
        String name = path.replace('/', '_');
        if (name.length() > 100) {
            name = name.substring(name.length() - 100);
        }
        return staging.resolve(staged.incrementAndGet() + "-" + name);
    }

    @Override
    public void putStaged(String path, Path stagedFile, Instant mtime, String mode, LongConsumer moved) {
        conn.call(session, "storing " + path, f -> {
            String d = dest(f, path);
            String tmp = temp(d);
            try (InputStream in = CountingInputStream.of(Files.newInputStream(stagedFile), moved); OutputStream out = f.create(tmp)) {
                byte[] buf = BUFFERS.get();
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
            }
            place(f, tmp, d, mtime, mode);
            return null;
        });
        try {
            Files.deleteIfExists(stagedFile);
        } catch (IOException ignored) {
            // the staging folder goes when the writer closes
        }
    }

    @Override
    public Stored copy(String path, Path source, Instant mtime, String mode, LongConsumer moved) {
        return conn.call(session, "storing " + path, f -> {
            String d = dest(f, path);
            String tmp = temp(d);
            InputStream in;
            try {
                // before the upload starts: a vanished source leaves nothing behind
                in = CountingInputStream.of(Files.newInputStream(source), moved);
            } catch (NoSuchFileException e) {
                throw new SourceVanishedException(path);
            } catch (IOException e) {
                throw new OwuiException("cannot read " + source + ": " + e.getMessage(), "run the backup as a user that can read the data directory", e);
            }
            MessageDigest sha = Hashing.newSha256();
            long size = 0;
            try (in; OutputStream out = f.create(tmp)) {
                byte[] buf = BUFFERS.get();
                while (true) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException e) {
                        throw new OwuiException("cannot read " + source + ": " + e.getMessage(), "check the data directory's disk", e);
                    }
                    if (n <= 0) {
                        break;
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    size += n;
                }
            }
            place(f, tmp, d, mtime, mode);
            return new Stored(size, HexFormat.of().formatHex(sha.digest()));
        });
    }

    /**
     * Attributes on the temporary file, then one rename puts it in place (replacing a first
     * attempt). The stored file stays 0600 whatever the source's mode, which the manifest records.
     */
    private void place(RemoteFiles f, String tmp, String d, Instant mtime, String mode) throws SftpException {
        f.setModeAndTime(tmp, RemoteFiles.PRIVATE_FILE, mtime.getEpochSecond());
        if (!posixRename) {
            f.removeIfExists(d); // SFTP's own rename refuses an existing target
        }
        f.rename(tmp, d);
    }

    /**
     * A hard link on the server to the same file of backup {@code fromBackupId}. REFUSED when the
     * server has no hardlink@openssh.com or refuses the link (EMLINK, a filesystem without links),
     * MISSING when the earlier copy is gone: the caller then uploads the file. The size is not
     * checked here (that would cost a round trip per file); verify's damage records cover it.
     */
    @Override
    public Reuse reuse(String path, String fromBackupId, long storedSize) {
        if (!hardlinks) {
            return Reuse.REFUSED;
        }
        String existing = RemotePaths.under(target.backupDir(instance, fromBackupId), path);
        return conn.call(session, "linking " + path + " to backup " + fromBackupId, f -> {
            String d = dest(f, path);
            try {
                f.hardlink(existing, d);
                return Reuse.SHARED;
            } catch (SftpException e) {
                if (!f.usable() || f.session().stalled() != null) {
                    throw e;
                }
                if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                    return Reuse.MISSING;
                }
                if (e.id == ChannelSftp.SSH_FX_FAILURE || e.id == ChannelSftp.SSH_FX_OP_UNSUPPORTED || e.id == ChannelSftp.SSH_FX_PERMISSION_DENIED) {
                    return Reuse.REFUSED;
                }
                throw e;
            }
        });
    }

    @Override
    public void directory(String path) {
        String d = RemotePaths.under(partial, path);
        if (madeDirs.containsKey(d)) {
            return;
        }
        conn.call(session, "creating the folder " + path, f -> {
            f.mkdirs(d);
            madeDirs.put(d, Boolean.TRUE);
            return null;
        });
    }

    @Override
    public void symlink(String path, String linkTarget) {
        conn.call(session, "storing the link " + path, f -> {
            String d = dest(f, path);
            try {
                if (!linkTarget.isEmpty()) {
                    f.symlink(linkTarget, d);
                }
            } catch (SftpException | RuntimeException e) {
                if (!f.usable()) {
                    throw e;
                }
                // a server without symlinks: the manifest still records the link for restore
            }
            return null;
        });
    }

    @Override
    public void commit(Manifest manifest) {
        String finalDir = target.backupDir(instance, backupId);
        conn.call(session, "committing backup " + backupId, f -> {
            syncOnServer(f.session(), partial);
            String m = RemotePaths.join(partial, Manifest.FILE_NAME);
            String tmp = temp(m);
            f.writeAll(tmp, ManifestCodec.write(manifest));
            f.rename(tmp, m);
            if (f.lstat(finalDir) != null) {
                throw new OwuiException("a backup " + backupId + " already exists at " + target.location(), "retry in a second");
            }
            f.rename(partial, finalDir);
            committed = true;
            try {
                syncOnServer(f.session(), RemotePaths.parent(finalDir)); // the renames, best effort: the backup is complete
            } catch (OwuiException ignored) {
                // nothing to undo
            }
            return null;
        });
    }

    /**
     * SFTP cannot fsync (JSch has no fsync@openssh.com), so where the account may run commands,
     * {@code sync -f} flushes the server's filesystem; SFTP-only accounts skip it.
     */
    private void syncOnServer(SshSession session, String dir) {
        if (!target.sync()) {
            return;
        }
        try {
            ExecResult r = session.exec("sync -f " + RemotePaths.shellQuote(dir), Duration.ofMinutes(10));
            if (!r.ok()) {
                return; // no shell access, or an old coreutils without -f: the rename order still holds
            }
        } catch (OwuiException e) {
            if (!session.isConnected()) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (!committed) {
            // Only on a live session: after a lost connection the next run removes the partial tree.
            conn.tryCall(session, f -> {
                f.removeTree(partial);
                return null;
            });
        }
        dev.owui.backup.store.LocalCopies.deleteTree(staging);
    }
}
