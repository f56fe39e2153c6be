package dev.owui.backup.store;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.s3.S3Target;
import dev.owui.backup.store.sftp.SftpTarget;
import java.net.URI;
import java.nio.file.Path;

/** Turns a configured target ({@link TargetSpec}) into an open {@link Target}. */
public final class Targets {
    private Targets() {
    }

    /**
     * The local staging directory a capture for several targets (or a cold one) is written to
     * first: a private local target, not synced (it is a scratch copy; the targets are durable).
     */
    public static Target staging(Path dir) {
        return new LocalTarget(dir, "staging " + dir, false);
    }

    /**
     * A path (absolute, or relative to the base directory) or a {@code file:} URL is a local
     * target; {@code sftp://[user@]host[:port]/path} is a target over SSH;
     * {@code s3://bucket[/prefix]} is an S3 (or S3-compatible) bucket, with the spec's region,
     * endpoint and path style. Other schemes are named in the error.
     */
    public static Target open(TargetSpec spec, TargetContext ctx) {
        String s = spec.url();
        switch (spec.scheme()) {
            case "file" -> {
                if (!s.regionMatches(true, 0, "file:", 0, 5)) {
                    Path p = Path.of(s);
                    return new LocalTarget(p.isAbsolute() ? p : ctx.baseDir().resolve(p), s, ctx.sync());
                }
                try {
                    return new LocalTarget(Path.of(URI.create(s)), s, ctx.sync());
                } catch (IllegalArgumentException e) {
                    throw new OwuiException("target " + s + " is not a valid file: URL (" + e.getMessage() + ")",
                            "write it as file:///absolute/path or give a plain path");
                }
            }
            case "sftp" -> {
                return SftpTarget.open(s, ctx.ssh().apply(spec.serverId()), ctx.sync());
            }
            case "s3" -> {
                return S3Target.open(spec, ctx);
            }
            default -> throw new OwuiException("target scheme " + spec.scheme() + ": is not supported in this version (" + s + ")",
                    "use a local or mounted directory, sftp://user@host/path or s3://bucket/prefix");
        }
    }
}
