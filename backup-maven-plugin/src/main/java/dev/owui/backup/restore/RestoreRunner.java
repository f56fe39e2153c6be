package dev.owui.backup.restore;

import dev.owui.backup.store.LocalCopies;

import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.InstanceNames;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.codec.StoredContent;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.instance.RunningInstanceCheck;
import dev.owui.backup.instance.InstanceInspector;
import dev.owui.backup.instance.SqliteFiles;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Progress;
import dev.owui.backup.store.PrivateFiles;
import dev.owui.backup.store.Target;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Puts a backup back into a stopped instance's data directory. The files are first written and
 * checked (SHA-256) in a staging folder inside the directory; only when all of them are whole are
 * the directory's earlier contents moved aside (never deleted) and the staged files moved in.
 */
public final class RestoreRunner {
    private final EngineLog log;

    public RestoreRunner(EngineLog log) {
        this.log = log;
    }

    public RestoreResult run(RestoreOptions o) {
        String instance = InstanceNames.check(o.instance());
        if (o.dataDir() == null) {
            throw new OwuiException("no data directory given", "set owui.dataDir to the stopped instance's DATA_DIR");
        }
        Path dest = o.dataDir().toAbsolutePath().normalize();
        Catalog catalog = new Catalog(o.target(), instance);
        String id = catalog.selectOne(o.backupId());
        Manifest manifest = dev.owui.backup.codec.Manifests.full(catalog.manifest(id), o.target(), instance, o.keys());
        List<String> warnings = new ArrayList<>();

        List<Path> existing = checkDestination(dest, o.force());
        String currentRevision = currentSchemaRevision(dest);
        String stamp = BackupId.of(Instant.now());
        // Said before anything moves: where from, where into, and where the directory's contents go.
        log.info("restoring backup " + id + " of " + instance + " (" + manifest.totals().files() + " files, "
                + dev.owui.backup.report.Sizes.bytes(manifest.totals().bytes()) + ") from " + o.target().location() + " into " + dest
                + (existing.isEmpty() ? "" : " (its " + existing.size() + (existing.size() == 1 ? " entry is" : " entries are") + " moved aside to "
                        + asideDir(dest, stamp) + ", or to " + dest.resolve(".owui-before-restore-" + stamp)
                        + " if that cannot be on the same filesystem; nothing is deleted)"));

        Path staging = dest.resolve(".owui-restore-" + stamp);
        long[] totals;
        try {
            Files.createDirectories(dest);
            PrivateFiles.createDirectory(staging); // 0700 while the checked files gather there
            totals = stage(o.target(), instance, manifest, staging, o.keys());
        } catch (IOException e) {
            LocalCopies.deleteTree(staging);
            throw new OwuiException("cannot write into " + dest + ": " + e.getMessage(), "check free space and permissions; the directory is unchanged", e);
        } catch (RuntimeException e) {
            LocalCopies.deleteTree(staging);
            throw e;
        }

        Path aside = existing.isEmpty() ? null : moveAside(dest, existing, stamp);
        if (aside != null) {
            log.info("moved the directory's earlier contents to " + aside);
        }
        try {
            for (Path p : children(staging)) {
                Files.move(p, dest.resolve(p.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
            }
            Files.delete(staging);
            removeStaleSideFiles(dest, manifest);
        } catch (IOException e) {
            throw new OwuiException("restore of " + id + " stopped while moving files into " + dest + ": " + e.getMessage(),
                    "the checked files are in " + staging + (aside != null ? " and the earlier contents in " + aside : ""), e);
        }

        restoreDirectories(dest, manifest, warnings);
        restoreSecretKey(o, manifest, warnings);
        String backupRevision = manifest.openWebUi() == null ? null : manifest.openWebUi().schemaRevision();
        if (currentRevision != null && backupRevision != null && !currentRevision.equals(backupRevision)) {
            warn(warnings, "the backup's schema revision " + backupRevision + " differs from the instance's current " + currentRevision
                    + ": Open WebUI migrates forward only, so start the Open WebUI version that wrote this backup (or a newer one), not an older one");
        }
        return new RestoreResult(id, totals[0], totals[1], aside, warnings);
    }

    /** Writes every file of the backup into the staging folder, checking each against the manifest. */
    private long[] stage(Target target, String instance, Manifest m, Path staging, DecryptionKeys keys) throws IOException {
        for (FileEntry e : m.files()) {
            if (e.hasContent() && !Storage.isKnown(e.storage())) {
                throw new OwuiException("backup " + m.backupId() + " stores " + e.path() + " as '" + e.storage() + "', which this tool does not know",
                        "restore with the owui backup version that wrote it (" + m.toolVersion() + ") or newer; nothing was changed");
            }
            if (!e.isSecretKey() && StoredContent.needsKey(e, keys)) {
                throw new OwuiException("backup " + m.backupId() + " is encrypted (" + e.storedPath() + ") and no passphrase or secret key was given",
                        "set owui.encryption.serverId or owui.passphraseEnv (and owui.secretKeyRing for a key pair); nothing was changed");
            }
        }
        // Every folder is made through the tree: a real folder, never a link of the backup's or
        // below one, so no entry of a tampered manifest is written through a link.
        RestoreTree tree = new RestoreTree(staging, "backup " + m.backupId());
        for (DirectoryEntry d : m.directoriesOrEmpty()) {
            // Every recorded folder, empty ones too; made before the files (and their symbolic
            // links), so a folder is always a folder. Modes and times follow once all is in place.
            tree.folder(d.path());
        }
        Progress progress = new Progress(log, "restore", m.totals().bytes());
        long files = 0;
        long bytes = 0;
        for (FileEntry e : m.files()) {
            if (e.isSecretKey()) {
                continue;
            }
            Path d = tree.parentsMade(e.path());
            if (e.isSymlink()) {
                createLink(d, e, m);
                continue;
            }
            long n = EntryWriter.write(target, instance, m, e, keys, d, "the data directory", progress::counting);
            files++;
            bytes += n;
        }
        return new long[] {files, bytes};
    }

    /**
     * Puts back the recorded folders' modes and times, once every file is in its final place and
     * nothing else will be written into them (each write or removal in a folder changes its mtime),
     * deepest first, so a parent's mode can never stand in the way of setting a child's. A backup
     * made before folders were recorded has none: its folders keep the modes restore gave them.
     */
    private void restoreDirectories(Path dest, Manifest m, List<String> warnings) {
        List<DirectoryEntry> dirs = new ArrayList<>(m.directoriesOrEmpty());
        dirs.sort(Comparator.comparingLong((DirectoryEntry d) -> d.path().chars().filter(c -> c == '/').count()).reversed()
                .thenComparing(DirectoryEntry::path));
        List<String> failed = new ArrayList<>();
        for (DirectoryEntry d : dirs) {
            Path p = safeResolve(dest, d.path());
            try {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                setFolderAttributes(p, d);
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                failed.add(d.path() + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty()) {
            warn(warnings, "the files are restored, but the mode or time of " + failed.size() + " folder(s) could not be set: "
                    + String.join(", ", failed.subList(0, Math.min(5, failed.size()))) + (failed.size() > 5 ? ", …" : "")
                    + "; set them by hand from the manifest's directories if they matter");
        }
    }

    /** A link of the backup where nothing is yet: a second entry at the same path is refused, never followed or replaced. */
    static void createLink(Path p, FileEntry e, Manifest m) throws IOException {
        if (e.linkTarget() == null) {
            throw new OwuiException("backup " + m.backupId() + ": " + e.path() + " is a symbolic link without a target",
                    "the backup is damaged; restore another backup; nothing was restored");
        }
        try {
            Files.createSymbolicLink(p, Path.of(e.linkTarget()));
        } catch (java.nio.file.FileAlreadyExistsException twice) {
            throw new OwuiException("backup " + m.backupId() + ": entry " + e.path() + " is a symbolic link where the backup already restored another entry",
                    "the backup is damaged or not ours: do not restore it (run owui:verify, and restore another backup); nothing was restored");
        }
    }

    static Path safeResolve(Path root, String rel) {
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new OwuiException("the manifest names a path outside the data directory: " + rel, "the backup is damaged or not ours; do not restore it");
        }
        return p;
    }

    /** The sibling folder the directory's entries are moved to (announced before the restore acts). */
    static Path asideDir(Path dest, String stamp) {
        return dest.resolveSibling(dest.getFileName() + ".before-restore-" + stamp);
    }

    /**
     * Moves the directory's current entries to a sibling folder, or to a folder inside it when the
     * sibling cannot be made on the same filesystem (the parent of a Docker volume's _data may be
     * read-only or another mount): a rename, never a copy-and-delete.
     */
    static Path moveAside(Path dest, List<Path> entries, String stamp) {
        Path aside = asideDir(dest, stamp);
        try {
            Files.createDirectory(aside);
            if (!Files.getFileStore(aside).equals(Files.getFileStore(dest))) {
                Files.delete(aside);
                aside = null;
            }
        } catch (IOException e) {
            aside = null;
        }
        if (aside == null) {
            aside = dest.resolve(".owui-before-restore-" + stamp);
        }
        try {
            Files.createDirectories(aside);
            for (Path p : entries) {
                Files.move(p, aside.resolve(p.getFileName().toString()), StandardCopyOption.ATOMIC_MOVE);
            }
            return aside;
        } catch (IOException e) {
            throw new OwuiException("cannot move the contents of " + dest + " aside to " + aside + ": " + e.getMessage(),
                    "move them yourself and restore into the empty directory; what was already moved is in " + aside, e);
        }
    }

    /** Restored databases must not meet a -wal or -shm of another life of the database. */
    private void removeStaleSideFiles(Path dest, Manifest m) throws IOException {
        for (FileEntry e : m.files()) {
            if (e.isSqlite()) {
                for (String suffix : SqliteFiles.SIDE_SUFFIXES) {
                    if (Files.deleteIfExists(dest.resolve(e.path() + suffix))) {
                        log.info("removed stale " + e.path() + suffix);
                    }
                }
            }
        }
    }

    private void restoreSecretKey(RestoreOptions o, Manifest m, List<String> warnings) {
        FileEntry key = m.files().stream().filter(FileEntry::isSecretKey).findFirst().orElse(null);
        if (key == null) {
            if (o.secretKeyFile() != null) {
                warn(warnings, "backup " + m.backupId() + " holds no secret key; " + o.secretKeyFile() + " was left as it is");
            }
            return;
        }
        if (o.secretKeyFile() == null) {
            log.info("the backup holds the instance's WEBUI_SECRET_KEY file; write it back with -Dowui.secretKeyFile=<path> "
                    + "(or copy " + key.path() + " from the backup) if the host lost it");
            return;
        }
        Path file = o.secretKeyFile().toAbsolutePath();
        try {
            if (Files.exists(file)) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".before-restore-" + BackupId.of(Instant.now())));
            }
            try (InputStream in = StoredContent.open(o.target(), o.instance(), m.backupId(), key, o.keys())) {
                Files.createDirectories(file.getParent());
                Files.copy(in, file);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            log.info("wrote the secret key to " + file);
        } catch (IOException e) {
            throw new OwuiException("cannot write the secret key to " + file + ": " + e.getMessage(), "copy " + key.path() + " from the backup by hand", e);
        }
    }

    /**
     * The schema revision of the directory's current webui.db, for the downgrade warning; null if
     * none or unreadable. Read without touching the directory: SQLite would rewrite -shm and may
     * replay -wal, so a database with a WAL is read from a temporary copy of the pair.
     */
    static String currentSchemaRevision(Path dest) {
        Path db = dest.resolve(DataDirectory.MAIN_DB);
        if (!Files.isRegularFile(db) || !SqliteFiles.hasSqliteHeader(db)) {
            return null;
        }
        Path wal = dest.resolve(DataDirectory.MAIN_DB + "-wal");
        Path tmp = null;
        try {
            Path read = db;
            if (Files.isRegularFile(wal) && Files.size(wal) > 0) {
                tmp = Files.createTempDirectory("owui-revision");
                read = tmp.resolve(DataDirectory.MAIN_DB);
                Files.copy(db, read);
                Files.copy(wal, tmp.resolve(DataDirectory.MAIN_DB + "-wal"));
                return InstanceInspector.schemaRevisionWithWal(read);
            }
            return InstanceInspector.schemaRevision(read);
        } catch (IOException | java.sql.SQLException e) {
            return null;
        } finally {
            if (tmp != null) {
                LocalCopies.deleteTree(tmp);
            }
        }
    }

    private void warn(List<String> warnings, String w) {
        warnings.add(w);
        log.warn(w);
    }

    static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new OwuiException("cannot read " + dir + ": " + e.getMessage(), "check permissions", e);
        }
    }

    /** Puts a recorded folder's mode and time back (either may be unrecorded); shared by the whole and the partial restore. */
    static void setFolderAttributes(Path p, DirectoryEntry d) throws IOException {
        if (d.mode() != null) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(d.mode()));
        }
        if (d.mtime() != null) {
            Files.setLastModifiedTime(p, FileTime.from(d.mtime()));
        }
    }

    /**
     * The checks every whole restore makes before it touches anything: {@code dest} is a directory
     * (or absent), no process uses it, and it is empty unless {@code force}. Returns its entries,
     * which a forced restore moves aside.
     */
    static List<Path> checkDestination(Path dest, boolean force) {
        if (Files.exists(dest) && !Files.isDirectory(dest)) {
            throw new OwuiException(dest + " is not a directory", "set owui.dataDir to the instance's data directory");
        }
        Optional<String> user = RunningInstanceCheck.whoUses(dest);
        if (user.isPresent()) {
            throw new OwuiException("Open WebUI seems to be running on " + dest + ": " + user.get(),
                    "stop it first (e.g. `docker compose stop open-webui`), then restore; nothing was changed");
        }
        List<Path> existing = children(dest);
        if (!existing.isEmpty() && !force) {
            throw new OwuiException(dest + " is not empty (" + existing.size() + " entries)",
                    "restore into an empty directory, or add -Dowui.force=true to move its contents aside first (nothing is deleted)");
        }
        return existing;
    }
}
