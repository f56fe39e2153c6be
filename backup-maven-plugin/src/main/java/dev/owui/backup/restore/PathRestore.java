package dev.owui.backup.restore;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.capture.InstanceNames;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.codec.Manifests;
import dev.owui.backup.format.Storage;
import dev.owui.backup.codec.StoredContent;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.instance.RunningInstanceCheck;
import dev.owui.backup.instance.SqliteFiles;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Progress;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.store.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Restores chosen files of a backup ({@code owui.paths}) into a directory of the operator's
 * choice, not the data directory: "restore one upload" without stopping the instance or touching
 * anything else. The chosen files are first written and checked (SHA-256) in a staging folder
 * inside the output directory; only when all are whole do they move to their places, so a
 * damaged backup leaves the output directory as it was. A file already there is replaced only
 * with force, and then moved aside into one folder, never deleted.
 */
public final class PathRestore {
    private final EngineLog log;

    public PathRestore(EngineLog log) {
        this.log = log;
    }

    public RestoreResult run(PathRestoreOptions o) {
        String instance = InstanceNames.check(o.instance());
        PathPatterns patterns = new PathPatterns(o.paths());
        if (o.output() == null) {
            throw new OwuiException("a restore of chosen paths (owui.paths) needs an output directory",
                    "add -Dowui.output=<dir>: the files are written there, keeping their paths, and you copy what you need into the data directory");
        }
        Path out = o.output().toAbsolutePath().normalize();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new OwuiException(out + " is not a directory", "set owui.output to a directory (it is created if absent)");
        }
        // A folder holding webui.db is most likely a live data directory: writing single files of
        // an older backup into it mixes two moments of the instance (uploads without their rows,
        // a database without its uploads). Asked for explicitly, with force, it is allowed.
        boolean looksLive = Files.exists(out.resolve(DataDirectory.MAIN_DB), LinkOption.NOFOLLOW_LINKS);
        if (looksLive && !o.force()) {
            throw new OwuiException(out + " holds a webui.db: it looks like a data directory, and a partial restore does not write into one",
                    "set owui.output to an empty folder and copy the restored files over yourself, or add -Dowui.force=true to write into it anyway"
                            + " (files it replaces are moved aside, never deleted)");
        }

        Catalog catalog = new Catalog(o.target(), instance);
        String id = catalog.selectOne(o.backupId());
        Manifest m = Manifests.full(catalog.manifest(id), o.target(), instance, o.keys());

        List<FileEntry> files = new ArrayList<>();
        List<DirectoryEntry> dirs = new ArrayList<>();
        boolean[] matched = new boolean[patterns.size()];
        for (FileEntry e : m.files()) {
            int i = patterns.match(e.path());
            // The secret key lives outside the data directory; a glob never sweeps it along, only its exact path does.
            if (i >= 0 && (!e.isSecretKey() || patterns.patterns().get(i).equals(e.path()))) {
                files.add(e);
                matched[i] = true;
            }
        }
        for (DirectoryEntry d : m.directoriesOrEmpty()) {
            int i = patterns.match(d.path());
            if (i >= 0) {
                dirs.add(d);
                matched[i] = true;
            }
        }
        List<String> unmatched = new ArrayList<>();
        for (int i = 0; i < matched.length; i++) {
            if (!matched[i]) {
                unmatched.add(patterns.patterns().get(i));
            }
        }
        if (!unmatched.isEmpty()) {
            List<String> all = m.files().stream().filter(e -> !e.isSecretKey()).map(FileEntry::path).toList();
            String first = unmatched.get(0);
            throw new OwuiException("owui.paths " + String.join(", ", unmatched) + (unmatched.size() == 1 ? " matches" : " match")
                    + " nothing in backup " + id + " (" + all.size() + " files)",
                    "nearest paths to " + first + ": " + String.join(", ", PathPatterns.nearest(first, all, 5))
                            + "; paths are relative to the backup root; * stays within a folder, ** crosses folders; nothing was written");
        }
        for (FileEntry e : files) {
            if (e.hasContent() && !Storage.isKnown(e.storage())) {
                throw new OwuiException("backup " + id + " stores " + e.path() + " as '" + e.storage() + "', which this tool does not know",
                        "restore with the owui backup version that wrote it (" + m.toolVersion() + ") or newer; nothing was written");
            }
            if (StoredContent.needsKey(e, o.keys())) {
                throw new OwuiException("backup " + id + " is encrypted (" + e.storedPath() + ") and no passphrase or secret key was given",
                        "set owui.encryption.serverId or owui.passphraseEnv (and owui.secretKeyRing for a key pair); nothing was written");
            }
        }

        List<String> existing = new ArrayList<>();
        for (FileEntry e : files) {
            if (Files.exists(RestoreRunner.safeResolve(out, e.path()), LinkOption.NOFOLLOW_LINKS)) {
                existing.add(e.path());
            }
        }
        if (!existing.isEmpty() && !o.force()) {
            throw new OwuiException(existing.size() + " of the chosen files already exist in " + out + ": "
                    + String.join(", ", existing.subList(0, Math.min(5, existing.size()))) + (existing.size() > 5 ? ", …" : ""),
                    "choose an empty owui.output, or add -Dowui.force=true to replace them (the old ones are moved aside, never deleted); nothing was written");
        }
        if (looksLive && files.stream().anyMatch(FileEntry::isSqlite)) {
            Optional<String> user = RunningInstanceCheck.whoUses(out);
            if (user.isPresent()) {
                throw new OwuiException("Open WebUI seems to be running on " + out + ": " + user.get() + "; a database cannot be replaced under it",
                        "stop it first, or restore into another owui.output; nothing was written");
            }
        }

        long total = files.stream().mapToLong(FileEntry::size).sum();
        log.info("restoring " + files.size() + " file(s) (" + Sizes.bytes(total) + ") of backup " + id + " of " + instance + " into " + out);
        String stamp = BackupId.of(Instant.now());
        Path staging = out.resolve(".owui-restore-" + stamp);
        Set<Path> created = new LinkedHashSet<>();
        long[] totals;
        try {
            createDirectories(out, created);
            PrivateFiles.createDirectory(staging);
            totals = stage(o, m, files, staging);
        } catch (IOException e) {
            LocalCopies.deleteTree(staging);
            throw new OwuiException("cannot write into " + out + ": " + e.getMessage(), "check free space and permissions; nothing was restored", e);
        } catch (RuntimeException e) {
            LocalCopies.deleteTree(staging);
            throw e;
        }

        Path aside = out.resolve(".owui-before-restore-" + stamp);
        boolean movedAside = false;
        try {
            for (FileEntry e : files) {
                Path dest = RestoreRunner.safeResolve(out, e.path());
                createDirectories(dest.getParent(), created);
                movedAside |= place(RestoreRunner.safeResolve(staging, e.path()), dest, e.isSqlite(), out, aside);
            }
            for (DirectoryEntry d : dirs) {
                createDirectories(RestoreRunner.safeResolve(out, d.path()), created);
            }
            LocalCopies.deleteTree(staging);
        } catch (IOException e) {
            throw new OwuiException("restore of " + id + " stopped while moving files into " + out + ": " + e.getMessage(),
                    "the checked files still to move are in " + staging + (movedAside ? ", the replaced ones in " + aside : ""), e);
        }
        if (movedAside) {
            log.info("moved the files it replaced to " + aside);
        }
        List<String> warnings = new ArrayList<>();
        restoreDirectoryAttributes(out, m, created, warnings);
        return new RestoreResult(id, totals[0], totals[1], movedAside ? aside : null, warnings);
    }

    private long[] stage(PathRestoreOptions o, Manifest m, List<FileEntry> files, Path staging) throws IOException {
        Progress progress = new Progress(log, "restore", files.stream().mapToLong(FileEntry::size).sum());
        long count = 0;
        long bytes = 0;
        RestoreTree tree = new RestoreTree(staging, "backup " + m.backupId()); // no entry written through a link (RestoreRunner)
        for (FileEntry e : files) {
            Path d = tree.parentsMade(e.path());
            if (e.isSymlink()) {
                RestoreRunner.createLink(d, e, m);
                continue;
            }
            long n = EntryWriter.write(o.target(), o.instance(), m, e, o.keys(), d, o.output().toString());
            count++;
            bytes += n;
            progress.advance(n);
        }
        return new long[] {count, bytes};
    }

    /** Creates {@code dir} and its missing parents, remembering which it made. */
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

    /**
     * The recorded mode and time of each folder this restore created (folders already there are
     * the operator's and keep theirs), deepest first, once nothing more is written into them.
     */
    private void restoreDirectoryAttributes(Path out, Manifest m, Set<Path> created, List<String> warnings) {
        Map<Path, DirectoryEntry> recorded = new HashMap<>();
        for (DirectoryEntry d : m.directoriesOrEmpty()) {
            recorded.put(out.resolve(d.path()).normalize(), d);
        }
        List<Path> dirs = new ArrayList<>(created);
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        List<String> failed = new ArrayList<>();
        for (Path p : dirs) {
            DirectoryEntry d = recorded.get(p);
            if (d == null) {
                continue;
            }
            try {
                RestoreRunner.setFolderAttributes(p, d);
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                failed.add(d.path() + " (" + e.getMessage() + ")");
            }
        }
        if (!failed.isEmpty()) {
            String w = "the files are restored, but the mode or time of " + failed.size() + " folder(s) could not be set: "
                    + String.join(", ", failed.subList(0, Math.min(5, failed.size())));
            warnings.add(w);
            log.warn(w);
        }
    }

    /**
     * Moves a checked file from staging to {@code dest} inside {@code out}. Whatever is in the way
     * is moved to the same relative place under {@code aside}, never deleted; for a database also
     * its -wal/-shm/-journal, which belong to the replaced database's other life. Returns whether
     * anything was moved aside. Shared by the partial restores of both formats.
     */
    static boolean place(Path staged, Path dest, boolean database, Path out, Path aside) throws IOException {
        List<Path> replaced = new ArrayList<>();
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
            replaced.add(dest);
        }
        if (database) {
            for (String suffix : SqliteFiles.SIDE_SUFFIXES) {
                Path side = dest.resolveSibling(dest.getFileName() + suffix);
                if (Files.exists(side, LinkOption.NOFOLLOW_LINKS)) {
                    replaced.add(side);
                }
            }
        }
        for (Path old : replaced) {
            Path to = aside.resolve(out.relativize(old).toString());
            Files.createDirectories(to.getParent());
            Files.move(old, to, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staged, dest, StandardCopyOption.ATOMIC_MOVE);
        return !replaced.isEmpty();
    }
}
