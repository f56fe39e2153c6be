package dev.owui.backup.maven;

import dev.owui.backup.app.CopyResult;
import dev.owui.backup.config.CopyConfig;
import dev.owui.backup.render.CopyRender;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Copies complete backups from one target to another (the weekly copy pulled to the NAS): every
 * file checked against its SHA-256 on the way, files the destination already holds shared there
 * instead of sent. With {@code owui.plan} naming a copy plan, copies from its {@code copyFrom} to
 * each of its targets and applies its retention there. Compressed and encrypted files travel as
 * stored (no key needed); an encrypted manifest needs the passphrase or secret key to be read.
 * Format 3 backups at the source are copied into the destination's repository object by object
 * ({@link dev.owui.backup.repo.copy.RepoCopier}: what it lacks, each checked against its name, then the head); a source
 * holding both formats copies both kinds.
 */
@Mojo(name = "copy", requiresProject = false, threadSafe = true)
public class CopyMojo extends AbstractNotifyingMojo {

    /** The target to copy from: a directory, sftp:// or s3:// URL, or a pom target's id. */
    @Parameter(property = "owui.from")
    private String from;

    /** The target to copy to: a directory, sftp:// or s3:// URL, or a pom target's id. */
    @Parameter(property = "owui.to")
    private String to;

    /**
     * Which backups: {@code all} (default: every backup the destination does not hold yet),
     * {@code latest}, or one backup id.
     */
    @Parameter(property = "owui.backupId", defaultValue = "all")
    private String backupId;

    /** Files transferred in parallel. */
    @Parameter(property = "owui.threads", defaultValue = "4")
    private int threads;

    /**
     * The format the copies of format 1/2 backups take at the destination: {@code auto} (default)
     * imports them into the destination's format 3 repository when it holds one or nothing of the
     * instance yet, and copies them as trees where it holds only format 1/2 backups (one line says
     * so); {@code 3} always imports (compressed and encrypted as owui.compression, owui.recipients
     * and the passphrase say); {@code 2} always copies the tree as stored at the source. A format 3
     * backup is always copied as format 3, as stored (never re-encoded): into a destination that
     * holds a repository or nothing, or, with {@code 3}, beside its trees.
     */
    @Parameter(property = "owui.toFormat", defaultValue = "auto")
    private String toFormat;

    /** With owui.toFormat=3: {@code zstd} or {@code none} for the imported objects. */
    @Parameter(property = "owui.compression", defaultValue = "none")
    private String compression;

    /** With owui.toFormat=3: the zstd level of the imported objects. */
    @Parameter(property = "owui.zstdLevel", defaultValue = "3")
    private int zstdLevel;

    /** With owui.toFormat=3: public key files the imported objects are encrypted to. */
    @Parameter(property = "owui.recipients")
    private List<java.io.File> recipients;

    /** With owui.toFormat=3: also encrypt the imported backups' entries. */
    @Parameter(property = "owui.encryptManifest", defaultValue = "false")
    private boolean encryptManifest;

    @Override
    protected String goal() {
        return "copy";
    }

    @Override
    protected void run() {
        List<java.nio.file.Path> keys = recipients == null ? List.of() : recipients.stream().map(this::resolve).toList();
        var run = owui("copy", plan, () -> CopyConfig.of(from, to, plan, backupId, toFormat, threads,
                () -> CodecParameters.writeSettings(compression, zstdLevel, passphrase(), keys, encryptManifest), !keys.isEmpty()));
        CopyResult r = run.owui().copy(run.config());
        CopyRender.render(r, engineLog(), report());
        r.throwIfFailed();
    }
}
