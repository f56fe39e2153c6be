package dev.owui.backup.repo;

import dev.owui.backup.OwuiException;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.S3ObjectStore;
import dev.owui.backup.repo.store.SftpObjectStore;
import dev.owui.backup.ssh.SftpUrl;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.TargetContext;
import java.net.URI;
import java.nio.file.Path;

/**
 * The object store behind a target as the operator names it (a path, {@code file:},
 * {@code sftp://}, {@code s3://}), with the same credentials and options as
 * {@link dev.owui.backup.store.Targets#open}: the format 3 repository of an instance lives in the
 * same {@code <target>/<instance>/} folder as its format 1/2 trees (FORMAT.md, "Layout at a target").
 */
public final class RepoStores {
    private RepoStores() {
    }

    public static ObjectStore open(TargetSpec spec, TargetContext ctx) {
        String s = spec.url();
        switch (spec.scheme()) {
            case "file" -> {
                if (!s.regionMatches(true, 0, "file:", 0, 5)) {
                    Path p = Path.of(s);
                    return new LocalObjectStore(p.isAbsolute() ? p : ctx.baseDir().resolve(p));
                }
                try {
                    return new LocalObjectStore(Path.of(URI.create(s)));
                } catch (IllegalArgumentException e) {
                    throw new OwuiException("target " + s + " is not a valid file: URL (" + e.getMessage() + ")",
                            "write it as file:///absolute/path or give a plain path");
                }
            }
            case "sftp" -> {
                return SftpObjectStore.open(SftpUrl.parse(s), ctx.ssh().apply(spec.serverId()));
            }
            case "s3" -> {
                return S3ObjectStore.open(spec, ctx);
            }
            default -> throw new OwuiException("target scheme " + spec.scheme() + ": is not supported in this version (" + s + ")",
                    "use a local or mounted directory, sftp://user@host/path or s3://bucket/prefix");
        }
    }

    /** The instance's repository at a target: {@code <target>/<instance>/}. */
    public static Repository repository(ObjectStore store, String instance, Path scratch, dev.owui.backup.report.EngineLog log) {
        return Repository.open(store, instance, scratch, log);
    }
}
