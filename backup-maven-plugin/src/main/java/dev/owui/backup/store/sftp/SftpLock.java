package dev.owui.backup.store.sftp;

import com.jcraft.jsch.SftpException;
import dev.owui.backup.OwuiException;
import dev.owui.backup.store.LockInfo;
import dev.owui.backup.store.TargetLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instance's {@code .lock} file at an SFTP target, the same file a local run on the server
 * takes (FORMAT.md), so the two exclude each other. JSch cannot open a file with O_EXCL, so the
 * lock is written whole under a temporary name and then hard-linked to {@code .lock}
 * (hardlink@openssh.com is link(2), which refuses an existing name: the NFS-safe lock-file
 * idiom, and no reader ever sees a half-written lock). Without that extension SFTP's own rename,
 * which also refuses an existing name, does the same job.
 */
final class SftpLock implements TargetLock {
    /** Marks locks taken over SFTP, so the same-JVM rule below never touches a local run's lock. */
    private static final String TOOL = "owui-backup (sftp)";
    /**
     * The locks this JVM holds now. A lock file that names this very process but is not among
     * them was left by an earlier run in this JVM whose connection died before it could remove
     * it (Maven daemons, tests): that holder is provably gone too.
     */
    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

    private final SftpConnection conn;
    private final String file;
    private final LockInfo mine;
    private final String clearedStale;

    private SftpLock(SftpConnection conn, String file, LockInfo mine, String clearedStale) {
        this.conn = conn;
        this.file = file;
        this.mine = mine;
        this.clearedStale = clearedStale;
    }

    /** Takes the lock {@code dir/.lock}; {@code removeCommand} turns a path into the command an operator runs to remove it. */
    static SftpLock acquire(SftpConnection conn, String where, String dir, java.util.function.UnaryOperator<String> removeCommand) {
        String file = RemotePaths.join(dir, ".lock");
        String shown = where + " (" + file + ")";
        return conn.call("taking the lock " + file, f -> {
            f.mkdirs(dir);
            LockInfo me = LockInfo.current(TOOL);
            String tmp = RemotePaths.join(dir, ".lock." + UUID.randomUUID() + ".tmp");
            f.writeAll(tmp, me.toJson());
            String cleared = null;
            try {
                for (int attempt = 0; attempt < 3; attempt++) {
                    if (link(f, tmp, file, me)) {
                        HELD.add(me.lockedAt());
                        return new SftpLock(conn, file, me, cleared);
                    }
                    byte[] content = readIfThere(f, file);
                    if (content == null) {
                        continue; // released between our two calls: try again
                    }
                    LockInfo holder = LockInfo.parse(content).orElseThrow(() -> new OwuiException(
                            "the lock " + shown + " exists but is not readable as an owui lock",
                            "if no owui run is active on any host, remove it with `" + removeCommand.apply(file) + "`"));
                    if (!gone(holder)) {
                        throw new OwuiException("another owui run holds the lock " + shown + " (" + holder.describe() + ")",
                                "wait for it to finish; if no such run exists any more, remove the lock with `" + removeCommand.apply(file) + "`");
                    }
                    f.removeIfExists(file);
                    cleared = "cleared the stale lock of a run that is gone (" + holder.describe() + ")";
                }
                throw new OwuiException("cannot take the lock " + shown + ": it keeps changing hands", "retry in a moment");
            } finally {
                f.removeIfExists(tmp);
            }
        });
    }

    /** Makes {@code tmp} the lock unless a lock exists; true when it is ours. */
    private static boolean link(RemoteFiles f, String tmp, String lock, LockInfo me) throws SftpException, IOException {
        if (f.hardlinks()) {
            try {
                f.hardlink(tmp, lock);
                return true;
            } catch (SftpException e) {
                if (f.lstat(lock) != null) {
                    return false; // EEXIST, which SFTP v3 can only report as "Failure"
                }
                throw e;
            }
        }
        if (!f.posixRename()) {
            try {
                f.rename(tmp, lock); // plain SFTP rename never replaces an existing file
                return true;
            } catch (SftpException e) {
                if (f.lstat(lock) != null) {
                    return false;
                }
                throw e;
            }
        }
        // posix-rename but no hard links: no exclusive primitive is left, so check, rename and
        // read back; a run that raced us in the same instant loses on the read-back.
        if (f.lstat(lock) != null) {
            return false;
        }
        f.rename(tmp, lock);
        byte[] now = readIfThere(f, lock);
        return now != null && Arrays.equals(now, me.toJson());
    }

    private static byte[] readIfThere(RemoteFiles f, String file) throws SftpException, IOException {
        try {
            return f.readAll(file);
        } catch (SftpException e) {
            if (e.id == com.jcraft.jsch.ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                return null;
            }
            throw e;
        }
    }

    /** The holder is provably gone: dead on this host, or an earlier run of this very JVM. */
    private static boolean gone(LockInfo holder) {
        if (holder.provablyDead()) {
            return true;
        }
        LockInfo self = LockInfo.current(TOOL);
        boolean thisProcess = Objects.equals(holder.host(), self.host()) && holder.pid() == self.pid()
                && Objects.equals(holder.processStart(), self.processStart());
        return thisProcess && TOOL.equals(holder.tool()) && !HELD.contains(holder.lockedAt());
    }

    @Override
    public String clearedStale() {
        return clearedStale;
    }

    /** Removes the lock if it is still ours. If the connection is gone, the next run reports or clears it. */
    @Override
    public void close() {
        try {
            conn.tryCall(null, f -> {
                byte[] now = readIfThere(f, file);
                if (now != null && new String(now, StandardCharsets.UTF_8).equals(new String(mine.toJson(), StandardCharsets.UTF_8))) {
                    f.removeIfExists(file);
                }
                return null;
            });
        } finally {
            HELD.remove(mine.lockedAt());
        }
    }
}
