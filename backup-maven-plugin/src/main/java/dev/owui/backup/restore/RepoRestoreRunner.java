package dev.owui.backup.restore;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.capture.InstanceNames;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.instance.RunningInstanceCheck;
import dev.owui.backup.instance.SqliteFiles;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * owui:restore of a format 3 backup, with the rules of {@link RestoreRunner} (whole restore) and
 * {@link PathRestore} (owui.paths into owui.output): the running-instance check, a non-empty
 * directory only with force and then moved aside (never deleted), stale -wal/-shm removed, the
 * schema revision warning, the secret key written only where asked. {@link RepoRestore} fills a
 * fresh folder inside the directory ({@code .owui-restore-<time>}, so on the same filesystem and
 * excluded from backups) and checks every file and database there; only when all are whole does
 * anything already in the directory move. A damaged backup changes nothing.
 */
public final class RepoRestoreRunner {
    private final EngineLog log;
    /** Where uploads kept in object storage go (see {@link RepoRestore#objectStorage}); null: beside the data directory. */
    private dev.owui.backup.external.ExternalRestore.Destination objectStorage;

    public RepoRestoreRunner(EngineLog log) {
        this.log = log;
    }

    public RepoRestoreRunner objectStorage(dev.owui.backup.external.ExternalRestore.Destination d) {
        this.objectStorage = d;
        return this;
    }

    /**
     * A whole restore.
     *
     * @param backupId      the backup, or null for the newest format 3 backup
     * @param secretKeyFile where to write the backup's secret key, or null to leave it in the backup
     * @param postgres      where the backup's PostgreSQL dumps go (the database to restore into), or null:
     *                      as files beside the data directory ({@code <data dir>.postgres-<time>})
     */
    public record Options(Repository repo, String instance, String backupId, Path dataDir, boolean force, Path secretKeyFile,
                          DecryptionKeys keys, dev.owui.backup.postgres.PgTarget postgres) {
        public Options(Repository repo, String instance, String backupId, Path dataDir, boolean force, Path secretKeyFile,
                       DecryptionKeys keys) {
            this(repo, instance, backupId, dataDir, force, secretKeyFile, keys, null);
        }
    }

    /** What the entries say before anything is written: the databases (for their side files) and the secret key. */
    private record Scan(List<String> databases, boolean secretKey, List<String> chosen, List<String> chosenDatabases) {
    }

    public RestoreResult run(Options o) {
        String instance = InstanceNames.check(o.instance());
        if (o.dataDir() == null) {
            throw new OwuiException("no data directory given", "set owui.dataDir to the stopped instance's DATA_DIR");
        }
        Repository repo = o.repo();
        Path dest = o.dataDir().toAbsolutePath().normalize();
        String id = RepoRestore.select(repo, o.backupId());
        BackupHead head = repo.backups().head(id);
        Scan scan = scan(repo, head, o.keys(), null); // an encrypted manifest without its key fails here, nothing changed
        List<String> warnings = new ArrayList<>();

        List<Path> existing = RestoreRunner.checkDestination(dest, o.force());
        String currentRevision = RestoreRunner.currentSchemaRevision(dest);
        String stamp = BackupId.of(Instant.now());
        log.info("restoring backup " + id + " of " + instance + " (format 3" + (head.totals() == null ? "" : ", " + head.totals().files()
                + " files, " + Sizes.bytes(head.totals().bytes())) + ") from " + repo.where("") + " into " + dest
                + (existing.isEmpty() ? "" : " (its " + existing.size() + (existing.size() == 1 ? " entry is" : " entries are") + " moved aside to "
                        + RestoreRunner.asideDir(dest, stamp) + ", or to " + dest.resolve(".owui-before-restore-" + stamp)
                        + " if that cannot be on the same filesystem; nothing is deleted)"));

        Path fresh = dest.resolve(".owui-restore-" + stamp);
        Path secretTmp = o.secretKeyFile() != null && scan.secretKey() ? dest.resolve(".owui-restore-" + stamp + ".secret-key") : null;
        RepoRestore.Result r;
        try {
            Files.createDirectories(dest);
        } catch (IOException e) {
            throw new OwuiException("cannot create " + dest + ": " + e.getMessage(), "check permissions; nothing was changed", e);
        }
        // RepoRestore removes what it wrote when a file or database is not whole
        // The dumps, when not restored into a database, go beside the data directory (fresh is inside it).
        dev.owui.backup.postgres.PgTarget pg = o.postgres() == null ? dev.owui.backup.postgres.PgTarget.asFiles(null) : o.postgres();
        if (pg.dumpsTo() == null) {
            pg = pg.withDumpsTo(dest.resolveSibling(dest.getFileName() + ".postgres-" + stamp));
        }
        r = new RepoRestore(repo).objectStorage(objectStorage).run(new RepoRestore.Options(id, fresh, o.keys(), secretTmp, null).withPostgres(pg));

        Path aside = existing.isEmpty() ? null : RestoreRunner.moveAside(dest, existing, stamp);
        if (aside != null) {
            log.info("moved the directory's earlier contents to " + aside);
        }
        try {
            for (Path p : RestoreRunner.children(fresh)) {
                Files.move(p, dest.resolve(p.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.delete(fresh);
            for (String db : scan.databases()) {
                for (String suffix : SqliteFiles.SIDE_SUFFIXES) {
                    if (Files.deleteIfExists(RestoreRunner.safeResolve(dest, db + suffix))) {
                        log.info("removed stale " + db + suffix);
                    }
                }
            }
        } catch (IOException e) {
            throw new OwuiException("restore of " + id + " stopped while moving files into " + dest + ": " + e.getMessage(),
                    "the checked files are in " + fresh + (aside != null ? " and the earlier contents in " + aside : ""), e);
        }
        secretKey(o, id, scan, secretTmp, stamp, warnings);
        String backupRevision = head.openWebUi() == null ? null : head.openWebUi().schemaRevision();
        if (currentRevision != null && backupRevision != null && !currentRevision.equals(backupRevision)) {
            warn(warnings, "the backup's schema revision " + backupRevision + " differs from the instance's current " + currentRevision
                    + ": Open WebUI migrates forward only, so start the Open WebUI version that wrote this backup (or a newer one), not an older one");
        }
        return new RestoreResult(id, r.files(), r.bytes(), aside, warnings);
    }

    private void secretKey(Options o, String id, Scan scan, Path secretTmp, String stamp, List<String> warnings) {
        if (!scan.secretKey()) {
            if (o.secretKeyFile() != null) {
                warn(warnings, "backup " + id + " holds no secret key; " + o.secretKeyFile() + " was left as it is");
            }
            return;
        }
        if (o.secretKeyFile() == null) {
            log.info("the backup holds the instance's WEBUI_SECRET_KEY file; write it back with -Dowui.secretKeyFile=<path> if the host lost it");
            return;
        }
        Path file = o.secretKeyFile().toAbsolutePath();
        try {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".before-restore-" + stamp));
            }
            Files.createDirectories(file.getParent());
            Files.move(secretTmp, file); // may be another filesystem: a copy then, made private below
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            log.info("wrote the secret key to " + file);
        } catch (IOException e) {
            throw new OwuiException("cannot write the secret key to " + file + ": " + e.getMessage(),
                    "it is restored in " + secretTmp + ": move it there by hand", e);
        }
    }

    /**
     * A partial restore: the entries {@code paths} selects, into {@code output} (created if
     * absent), keeping their paths; a file already there only with force, and then moved aside.
     */
    public RestoreResult runPaths(Repository repo, String instance, String backupId, List<String> paths, Path output, boolean force,
                                  DecryptionKeys keys) {
        InstanceNames.check(instance);
        PathPatterns patterns = new PathPatterns(paths);
        if (output == null) {
            throw new OwuiException("a restore of chosen paths (owui.paths) needs an output directory",
                    "add -Dowui.output=<dir>: the files are written there, keeping their paths, and you copy what you need into the data directory");
        }
        Path out = output.toAbsolutePath().normalize();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new OwuiException(out + " is not a directory", "set owui.output to a directory (it is created if absent)");
        }
        // as PathRestore: a folder holding webui.db is most likely a live data directory
        boolean looksLive = Files.exists(out.resolve(DataDirectory.MAIN_DB), LinkOption.NOFOLLOW_LINKS);
        if (looksLive && !force) {
            throw new OwuiException(out + " holds a webui.db: it looks like a data directory, and a partial restore does not write into one",
                    "set owui.output to an empty folder and copy the restored files over yourself, or add -Dowui.force=true to write into it anyway"
                            + " (files it replaces are moved aside, never deleted)");
        }
        String id = RepoRestore.select(repo, backupId);
        BackupHead head = repo.backups().head(id);
        Scan scan = scan(repo, head, keys, patterns);
        List<String> there = scan.chosen().stream()
                .filter(p -> Files.exists(RestoreRunner.safeResolve(out, p), LinkOption.NOFOLLOW_LINKS)).toList();
        if (!there.isEmpty() && !force) {
            throw new OwuiException(there.size() + " of the chosen files already exist in " + out + ": "
                    + String.join(", ", there.subList(0, Math.min(5, there.size()))) + (there.size() > 5 ? ", …" : ""),
                    "choose an empty owui.output, or add -Dowui.force=true to replace them (the old ones are moved aside, never deleted); nothing was written");
        }
        if (looksLive && !scan.chosenDatabases().isEmpty()) {
            Optional<String> user = RunningInstanceCheck.whoUses(out);
            if (user.isPresent()) {
                throw new OwuiException("Open WebUI seems to be running on " + out + ": " + user.get() + "; a database cannot be replaced under it",
                        "stop it first, or restore into another owui.output; nothing was written");
            }
        }
        String stamp = BackupId.of(Instant.now());
        Path fresh = out.resolve(".owui-restore-" + stamp);
        Set<Path> created = new LinkedHashSet<>();
        try {
            createDirectories(out, created);
        } catch (IOException e) {
            throw new OwuiException("cannot create " + out + ": " + e.getMessage(), "check permissions; nothing was restored", e);
        }
        log.info("restoring " + scan.chosen().size() + " file(s) of backup " + id + " of " + instance + " (format 3) into " + out);
        RepoRestore.Result r = new RepoRestore(repo).objectStorage(objectStorage).run(new RepoRestore.Options(id, fresh, keys, null, paths));

        Path aside = out.resolve(".owui-before-restore-" + stamp);
        boolean movedAside = false;
        Map<Path, Object[]> dirAttributes = new HashMap<>();
        try {
            List<Path> staged;
            try (Stream<Path> w = Files.walk(fresh)) {
                staged = w.filter(p -> !p.equals(fresh)).toList();
            }
            // folder modes and times as restored, before moving files out of them changes their times
            for (Path p : staged) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    dirAttributes.put(out.resolve(fresh.relativize(p).toString()),
                            new Object[] {Files.getPosixFilePermissions(p), Files.getLastModifiedTime(p)});
                }
            }
            for (Path p : staged) {
                String rel = fresh.relativize(p).toString();
                Path dest = RestoreRunner.safeResolve(out, rel);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    createDirectories(dest, created);
                    continue;
                }
                createDirectories(dest.getParent(), created);
                movedAside |= PathRestore.place(p, dest, scan.chosenDatabases().contains(rel), out, aside);
            }
            LocalCopies.deleteTree(fresh);
        } catch (IOException e) {
            throw new OwuiException("restore of " + id + " stopped while moving files into " + out + ": " + e.getMessage(),
                    "the checked files still to move are in " + fresh + (movedAside ? ", the replaced ones in " + aside : ""), e);
        }
        if (movedAside) {
            log.info("moved the files it replaced to " + aside);
        }
        List<String> warnings = new ArrayList<>();
        directoryAttributes(created, dirAttributes, warnings);
        return new RestoreResult(id, r.files(), r.bytes(), movedAside ? aside : null, warnings);
    }

    /** The restored mode and time of each folder this restore created (folders already there keep theirs), deepest first. */
    @SuppressWarnings("unchecked")
    private void directoryAttributes(Set<Path> created, Map<Path, Object[]> attributes, List<String> warnings) {
        List<Path> dirs = new ArrayList<>(created);
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        List<String> failed = new ArrayList<>();
        for (Path p : dirs) {
            Object[] a = attributes.get(p);
            if (a == null) {
                continue;
            }
            try {
                Files.setPosixFilePermissions(p, (Set<PosixFilePermission>) a[0]);
                Files.setLastModifiedTime(p, (FileTime) a[1]);
            } catch (IOException | UnsupportedOperationException e) {
                failed.add(p + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty()) {
            warn(warnings, "the files are restored, but the mode or time of " + failed.size() + " folder(s) could not be set: "
                    + String.join(", ", failed.subList(0, Math.min(5, failed.size()))));
        }
    }

    private static void createDirectories(Path dir, Set<Path> created) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path p : missing) {
            Files.createDirectory(p);
            created.add(p);
        }
    }

    /** One pass over the entries (decoding the manifest, so a missing key fails before anything is written). */
    private static Scan scan(Repository repo, BackupHead head, DecryptionKeys keys, PathPatterns patterns) {
        List<String> databases = new ArrayList<>();
        List<String> chosen = new ArrayList<>();
        List<String> chosenDatabases = new ArrayList<>();
        boolean secret = false;
        try (EntryIterator it = repo.backups().entries(head, keys == null ? DecryptionKeys.none() : keys)) {
            while (it.hasNext()) {
                Entry e = it.next();
                if (Entry.SECRET_KEY.equals(e.type())) {
                    secret = true;
                    continue;
                }
                if (Entry.SQLITE.equals(e.type())) {
                    databases.add(e.path());
                }
                if (patterns != null && !Entry.DIR.equals(e.type()) && patterns.match(e.path()) >= 0) {
                    chosen.add(e.path());
                    if (Entry.SQLITE.equals(e.type())) {
                        chosenDatabases.add(e.path());
                    }
                }
            }
        }
        return new Scan(databases, secret, chosen, chosenDatabases);
    }

    private void warn(List<String> warnings, String w) {
        warnings.add(w);
        log.warn(w);
    }
}
