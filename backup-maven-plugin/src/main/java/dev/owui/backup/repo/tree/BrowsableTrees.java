package dev.owui.backup.repo.tree;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.Storage;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.store.HardLinks;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.NoSuchObjectException;
import dev.owui.backup.repo.store.TreeFiles;
import dev.owui.backup.restore.RestoreTree;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.PrivateFiles;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The browsable tree of a format 3 backup, {@code <instance>/trees/<id>/} (FORMAT.md, "Browsable
 * trees"): the data directory as it was, under its original names, on the stores that have
 * folders (local disk, SFTP). Every file stored plain is a hard link to its object (no space);
 * compressed or encrypted ones are decoded into plain files; each database is reassembled from
 * its layers into a real file ({@link RepoRestore#reassemble}); symbolic links and empty folders
 * are made. Files and folders are private (0600, 0700, as every file of the target) and carry the
 * source's modification times; the source modes are in the manifest.
 *
 * <p>A tree is a convenience, never the backup: the head is. It is built under a temporary name
 * ({@code trees/.tmp-<id>-<random>}) and renamed into place last, all under the repository's
 * exclusive lock, so a complete-looking tree always has its head; prune removes the tree of every
 * backup it forgets, and any tree without a head (a crash leftover, a temporary name), before it
 * sweeps objects: a hard link keeps an object's bytes on disk, so a tree holds space until it goes.
 */
public final class BrowsableTrees {
    /** The trees' folder in the repository. */
    public static final String DIR = "trees";
    /** Names a tree being built; anything under {@link #DIR} without a head is a leftover. */
    public static final String TEMP_PREFIX = ".tmp-";
    static final String COMMAND = "owui:snapshot";

    /**
     * What building a tree did.
     *
     * @param path      the tree, where the operator finds it ({@code <store>/<instance>/trees/<id>})
     * @param linked    files that are hard links to their objects
     * @param decoded   files decoded (compressed or encrypted objects, or no hard links at the store)
     * @param databases databases reassembled
     * @param skipped   entries not put in the tree (the secret key, which lives outside the data directory)
     */
    public record Result(String backupId, String path, long linked, long decoded, long databases, long skipped) {
    }

    private final Repository repo;
    private final TreeFiles files;

    private BrowsableTrees(Repository repo, TreeFiles files) {
        this.repo = repo;
        this.files = files;
    }

    /** The trees of {@code repo}, where its store has folders (local, SFTP); empty on S3. */
    public static Optional<BrowsableTrees> of(Repository repo) {
        return repo.store().treeFiles().map(f -> new BrowsableTrees(repo, f));
    }

    private String key(String rel) {
        return repo.key(rel);
    }

    /** The tree of {@code backupId} relative to the repository: {@code trees/<id>}. */
    public static String treeOf(String backupId) {
        return DIR + "/" + backupId;
    }

    /**
     * Removes every tree whose name is not one of {@code heads} (the backups that remain): the
     * trees of forgotten backups, and temporary trees a crash left. Under the exclusive lock (no
     * tree is being built meanwhile), and before any sweep of objects.
     *
     * @return the names removed
     */
    public List<String> removeStale(RepoLock lock, Collection<String> heads) {
        lock.checkExclusive("removing the trees of forgotten backups");
        Set<String> keep = new HashSet<>(heads);
        List<String> removed = new ArrayList<>();
        for (String name : files.list(key(DIR))) {
            if (keep.contains(name) || name.equals(".") || name.equals("..")) {
                continue;
            }
            files.removeTree(key(DIR + "/" + name));
            removed.add(name);
        }
        if (!removed.isEmpty()) {
            repo.log().info("removed " + removed.size() + " browsable tree(s) without a backup: " + String.join(", ", removed));
        }
        return removed;
    }

    /**
     * Builds {@code trees/<backupId>} under the repository's exclusive lock, first removing
     * leftovers (trees without a head). A tree already there for this backup is built again.
     * On failure nothing of the new tree stays; the backup itself is untouched.
     */
    public Result build(String backupId, DecryptionKeys keys) {
        try (RepoLock lock = repo.lock(true, COMMAND)) {
            List<String> heads = repo.backups().list();
            if (!heads.contains(backupId)) {
                throw new OwuiException("no backup " + backupId + " at " + repo.where(""), "name a backup that owui:list shows");
            }
            removeStale(lock, heads);
            BackupHead head = repo.backups().head(backupId);
            String temp = DIR + "/" + TEMP_PREFIX + backupId + "-" + String.format("%08x", ThreadLocalRandom.current().nextInt());
            String done = treeOf(backupId);
            try {
                files.mkdirs(key(temp));
                Result r = fill(head, keys == null ? DecryptionKeys.none() : keys, temp);
                lock.checkExclusive("publishing the tree of " + backupId);
                files.removeTree(key(done)); // an earlier tree of the same backup: this one replaces it
                files.rename(key(temp), key(done));
                return r;
            } catch (RuntimeException e) {
                try {
                    files.removeTree(key(temp));
                } catch (RuntimeException again) {
                    e.addSuppressed(again); // the next snapshot or prune removes it
                }
                throw e;
            }
        }
    }

    private Result fill(BackupHead head, DecryptionKeys keys, String temp) {
        Optional<HardLinks> links = repo.store().hardLinks();
        Set<String> madeDirs = new HashSet<>();
        Set<String> symlinks = new HashSet<>();
        List<Entry> dirs = new ArrayList<>();
        long linked = 0;
        long decoded = 0;
        long databases = 0;
        long skipped = 0;
        boolean warnedPlaintext = false;
        Optional<RestoreTree> guard = localFolder(temp).map(p -> new RestoreTree(p, "backup " + head.backupId(), true));
        try (EntryIterator it = repo.backups().entries(head, keys)) {
            while (it.hasNext()) {
                Entry e = it.next();
                String what = "backup " + head.backupId() + ": " + e.path();
                if (Entry.SECRET_KEY.equals(e.type()) || Entry.PG_DUMP.equals(e.type()) || Entry.EXTERNAL.equals(e.type())) {
                    skipped++; // outside the data directory (the secret key, PostgreSQL dumps, uploads kept in object storage): `cp -a` of the tree must not put it there
                    continue;
                }
                String path = normalised(e.path(), what);
                String rel = temp + "/" + path;
                if (guard.isPresent()) {
                    // the disk itself is asked: every folder on the way made one level at a time and a real folder, nothing at a link's place
                    guarded(guard.get(), path, Entry.DIR.equals(e.type()), what);
                } else {
                    checkLinks(path, symlinks, what);
                    String parent = parentOf(rel);
                    if (madeDirs.add(parent)) {
                        files.mkdirs(key(parent));
                    }
                }
                switch (e.type()) {
                    case Entry.DIR -> {
                        if (guard.isEmpty() && madeDirs.add(rel)) {
                            files.mkdirs(key(rel));
                        }
                        dirs.add(e);
                    }
                    case Entry.FILE -> {
                        if (Storage.isPlain(e.storage()) && links.isPresent()) {
                            link(links.get(), e, rel, what);
                            linked++;
                        } else {
                            if (Storage.isEncrypted(e.storage()) && !warnedPlaintext) {
                                repo.log().warn("the tree of " + head.backupId() + " holds encrypted files decrypted (a tree is plain): "
                                        + "keep the snapshot directory as private as the data directory");
                                warnedPlaintext = true;
                            }
                            decode(e, keys, rel, what);
                            decoded++;
                        }
                        setTime(rel, e);
                    }
                    case Entry.SQLITE -> {
                        reassemble(e, keys, rel, what);
                        setTime(rel, e);
                        databases++;
                    }
                    case Entry.SYMLINK -> {
                        files.symlink(key(rel), e.linkTarget());
                        symlinks.add(path);
                    }
                    default -> throw new OwuiException(what + " has type '" + e.type() + "', which this tool does not know",
                            "use the owui backup version that wrote it (" + head.toolVersion() + ") or newer");
                }
            }
        }
        // Folder times last (every write into a folder changes its time), deepest first.
        dirs.sort(Comparator.comparingLong((Entry d) -> d.path().chars().filter(c -> c == '/').count()).reversed()
                .thenComparing(Entry::path));
        for (Entry d : dirs) {
            setTime(temp + "/" + normalised(d.path(), d.path()), d);
        }
        return new Result(head.backupId(), repo.where(treeOf(head.backupId())), linked, decoded, databases, skipped);
    }

    private void guarded(RestoreTree guard, String path, boolean folder, String what) {
        try {
            if (folder) {
                guard.folder(path);
            } else {
                guard.parentsMade(path);
            }
        } catch (IOException x) {
            throw new OwuiException("cannot make the folders of " + what + " in the tree at " + repo.where(DIR) + ": " + x.getMessage(),
                    "check the disk (free space, permissions); the backups are untouched", x);
        }
    }

    /**
     * On a local disk, the tree's temporary folder as a path, so that restore's own guard
     * ({@link RestoreTree}) asks the disk whether a place is a link: text cannot tell on a
     * case-insensitive disk ("ZZ-LINK/x" is below "zz-link"). Empty over SFTP, where the text check
     * ({@link #checkLinks}) stands in.
     */
    private Optional<Path> localFolder(String temp) {
        return repo.store() instanceof LocalObjectStore local ? Optional.of(local.root().resolve(key(temp))) : Optional.empty();
    }

    /**
     * The entry's path in its plain spelling ("zz-link/" and "./zz-link" are "zz-link", as
     * RestoreTree and the recovery script normalize them), so that a link is found by the place it
     * names, not by its spelling; never one that leaves the tree.
     */
    private static String normalised(String path, String what) {
        if (path == null || path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new OwuiException(what + ": not a relative path", "the backup is damaged or not ours; do not use it");
        }
        List<String> parts = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.equals("..")) {
                throw new OwuiException(what + ": the path leaves the tree", "the backup is damaged or not ours; do not use it");
            }
            if (!c.isEmpty() && !c.equals(".")) {
                parts.add(c);
            }
        }
        if (parts.isEmpty()) {
            throw new OwuiException(what + ": not a relative path", "the backup is damaged or not ours; do not use it");
        }
        return String.join("/", parts);
    }

    /**
     * Over SFTP: never a (normalised) path below or at a symbolic link the backup made (it could
     * point anywhere, and the server follows it when a file is written there).
     */
    private static void checkLinks(String path, Set<String> symlinks, String what) {
        if (symlinks.contains(path)) {
            throw new OwuiException(what + " is at the place of the backup's symbolic link " + path
                    + ", so writing it would write through the link, possibly outside the tree",
                    "the backup is damaged or not ours; do not use it");
        }
        for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
            if (symlinks.contains(path.substring(0, i))) {
                throw new OwuiException(what + " lies below the backup's symbolic link " + path.substring(0, i),
                        "the backup is damaged or not ours; do not use it");
            }
        }
    }

    private static String parentOf(String rel) {
        return rel.substring(0, rel.lastIndexOf('/'));
    }

    private void link(HardLinks links, Entry e, String rel, String what) {
        try {
            if (!links.link(key(ObjectNames.relativeKey(e.object())), key(rel))) {
                throw new OwuiException(what + ": " + repo.where(rel) + " already exists in a tree being built",
                        "the backup names one path twice: it is damaged; run owui:verify");
            }
        } catch (NoSuchObjectException x) {
            throw new OwuiException(what + ": its object " + e.object() + " is missing at " + repo.where(""),
                    "run owui:verify to record the damage; the next backup stores it anew", x);
        }
    }

    /** A decoded copy, checked against the entry's size and SHA-256 as it is written. */
    private void decode(Entry e, DecryptionKeys keys, String rel, String what) {
        if (Storage.isEncrypted(e.storage()) && keys.isEmpty()) {
            throw new OwuiException(what + " is encrypted and no passphrase or secret key was given, so the tree cannot hold it",
                    "give the key (owui.encryption.serverId or owui.passphraseEnv, and owui.secretKeyRing for a key pair)");
        }
        MessageDigest sha = Hashing.newSha256();
        long[] n = {0};
        try (InputStream raw = repo.objectReader().open(e.object(), e.storage(), keys);
             InputStream in = new FilterInputStream(new DigestInputStream(raw, sha)) {
                 @Override
                 public int read(byte[] b, int off, int len) throws IOException {
                     int r = super.read(b, off, len);
                     n[0] += Math.max(r, 0);
                     return r;
                 }
             }) {
            files.write(key(rel), in);
        } catch (IOException x) {
            throw new OwuiException("cannot read " + what + ": " + x.getMessage(), "run owui:verify", x);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (e.size() != null && n[0] != e.size() || !actual.equals(e.sha256())) {
            throw new OwuiException(what + " decodes to " + n[0] + " bytes with SHA-256 " + actual + ", the backup says " + e.size()
                    + " bytes with " + e.sha256(), "the backup is damaged: run owui:verify with owui.readData=all");
        }
    }

    /** The database rebuilt by restore's own reassembly (checked against its SHA-256), then put in the tree. */
    private void reassemble(Entry e, DecryptionKeys keys, String rel, String what) {
        Path scratch = null;
        try {
            PrivateFiles.createDirectories(repo.scratch());
            scratch = Files.createTempFile(repo.scratch(), "tree-", ".db");
            PrivateFiles.makePrivate(scratch);
            RepoRestore.reassemble(repo, e, keys, scratch, what);
            files.put(key(rel), scratch);
        } catch (IOException x) {
            throw new OwuiException("cannot reassemble " + what + " in " + repo.scratch() + ": " + x.getMessage(),
                    "check free space and permissions there", x);
        } finally {
            if (scratch != null) {
                try {
                    Files.deleteIfExists(scratch);
                } catch (IOException ignored) {
                    // a scratch file; nothing refers to it
                }
            }
        }
    }

    private void setTime(String rel, Entry e) {
        if (e.mtime() != null) {
            files.setMtime(key(rel), e.mtime());
        }
    }
}
