package dev.owui.backup.store;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.SshOptions;
import dev.owui.backup.store.sftp.SftpTarget;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Turns the operator's owui.target string into a {@link Target}. */
public final class Targets {
    private Targets() {
    }

    /**
     * A path (absolute, or relative to {@code baseDir}) or a {@code file:} URL is a local target;
     * {@code sftp://[user@]host[:port]/path} is a target over SSH, reached with the options the
     * supplier gives (asked only for such a URL). Other schemes are named in the error.
     */
    public static Target parse(String spec, Path baseDir, boolean sync, Supplier<SshOptions> ssh) {
        if (spec == null || spec.isBlank()) {
            throw new OwuiException("no target given", "set owui.target to a directory (a local disk or a mounted NAS), e.g. -Dowui.target=/srv/backups/owui");
        }
        String s = spec.trim();
        int colon = s.indexOf(':');
        if (colon > 1 && s.substring(0, colon).matches("[a-zA-Z][a-zA-Z0-9+.-]*")) {
            String scheme = s.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (scheme.equals("file")) {
                try {
                    return new LocalTarget(Path.of(URI.create(s)), spec, sync);
                } catch (IllegalArgumentException e) {
                    throw new OwuiException("target " + spec + " is not a valid file: URL (" + e.getMessage() + ")",
                            "write it as file:///absolute/path or give a plain path");
                }
            }
            if (scheme.equals("sftp")) {
                return SftpTarget.open(s, ssh.get(), sync);
            }
            throw new OwuiException("target scheme " + scheme + ": is not supported in this version (" + spec + ")",
                    "use a local or mounted directory, or sftp://user@host/path");
        }
        Path p = Path.of(s);
        return new LocalTarget(p.isAbsolute() ? p : baseDir.resolve(p), spec, sync);
    }
}
