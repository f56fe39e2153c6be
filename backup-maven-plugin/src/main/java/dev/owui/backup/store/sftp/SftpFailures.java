package dev.owui.backup.store.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpException;
import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.SftpUrl;

/**
 * Turns a failed SFTP call into the operator's message. SFTP v3 reports most errors as a bare
 * "Failure" (a full disk included), so a failure while writing asks the server for its free
 * space (statvfs@openssh.com) before calling it a full target.
 */
final class SftpFailures {
    /** Less free space than this after a failed write reads as a full disk. */
    private static final long NEARLY_FULL = 1 << 20;

    private SftpFailures() {
    }

    static OwuiException of(RemoteFiles f, SftpUrl url, String doing, Exception e) {
        // JSch's upload stream reports the server's status wrapped in an IOException
        Exception status = e instanceof java.io.IOException && e.getCause() instanceof SftpException ? (SftpException) e.getCause() : e;
        if (f.session().stalled() != null || !f.usable() || !(status instanceof SftpException)) {
            return f.session().failure(doing, e);
        }
        SftpException se = (SftpException) status;
        if (se.getCause() != null && !(se.getCause() instanceof SftpException)) {
            return f.session().failure(doing, e); // JSch wraps a broken channel's IOException
        }
        switch (se.id) {
            case ChannelSftp.SSH_FX_PERMISSION_DENIED:
                return new OwuiException("target " + url + " refused " + doing + ": permission denied",
                        "give " + f.session().user() + " write access to that folder on the server, or choose another owui.target", e);
            case ChannelSftp.SSH_FX_NO_SUCH_FILE:
                return new OwuiException("target " + url + ": no such file or folder while " + doing,
                        "check the path in the URL; the folder must be reachable by " + f.session().user(), e);
            case ChannelSftp.SSH_FX_FAILURE:
                long free = f.freeBytes(url.path());
                if (free >= 0 && free < NEARLY_FULL) {
                    return new OwuiException("target " + url + " is full (" + doing + " failed)",
                            "free space there, prune old backups or choose another owui.target; earlier backups are untouched", e);
                }
                return new OwuiException("target " + url + " failed " + doing + " (the SFTP server said: "
                        + (se.getMessage() == null || se.getMessage().isBlank() ? "Failure" : se.getMessage()) + ")",
                        "check the server's disk and logs; earlier backups are untouched", e);
            default:
                return f.session().failure(doing, e);
        }
    }
}
