package dev.owui.backup.repo.backup;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.RepoJson;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.lock.RepoLock;
import dev.owui.backup.repo.objects.ObjectCache;
import dev.owui.backup.repo.store.StoreStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The backups of a repository: listing, heads, entries, and a writer for the next one. Readers take no lock. */
public final class Backups {
    public static final String DIR = "backups/";
    private static final String SUFFIX = ".json";

    private final Repository repo;

    public Backups(Repository repo) {
        this.repo = repo;
    }

    public static String headKey(String backupId) {
        return DIR + backupId + SUFFIX;
    }

    /**
     * The ids of every backup (every head), oldest first by {@link BackupId#compare}: key order
     * would put "…Z-2.json" before "…Z.json" ('-' sorts before '.'), so a second backup in the
     * same second would not be the newest.
     */
    public List<String> list() {
        List<String> ids = new ArrayList<>();
        for (StoreStat h : heads()) {
            ids.add(idOf(h));
        }
        return ids;
    }

    /** {@link #list()} with each head's size and time as listed (the order is the same). */
    public List<StoreStat> heads() {
        List<StoreStat> heads = new ArrayList<>();
        for (StoreStat s : repo.store().listAll(repo.key(DIR))) {
            String rel = repo.relative(s.key());
            if (rel.endsWith(SUFFIX) && rel.indexOf('/', DIR.length()) < 0) {
                heads.add(s);
            }
        }
        heads.sort((x, y) -> {
            String a = idOf(x);
            String b = idOf(y);
            boolean va = BackupId.isValid(a);
            boolean vb = BackupId.isValid(b);
            if (va != vb) {
                return va ? 1 : -1; // a head under another name (not ours to judge here) sorts first, never as the newest
            }
            return va ? BackupId.compare(a, b) : a.compareTo(b);
        });
        return heads;
    }

    /** The backup id of a head found by {@link #heads()}. */
    public String idOf(StoreStat head) {
        String rel = repo.relative(head.key());
        return rel.substring(DIR.length(), rel.length() - SUFFIX.length());
    }

    /**
     * The head that {@code listed} (from {@link #heads()}) names, from {@code cached} when that
     * file holds this backup's head of the listed size (the copy the host kept when it wrote the
     * backup: heads are never replaced, only removed), else from the store. Null {@code cached}:
     * always the store.
     */
    public BackupHead head(StoreStat listed, Path cached) {
        String id = idOf(listed);
        if (cached != null) {
            try {
                if (Files.size(cached) == listed.size()) {
                    BackupHead h = RepoJson.read(Files.newInputStream(cached), BackupHead.class, cached.toString());
                    if (id.equals(h.backupId()) && h.chunks() != null && h.formatVersion() <= BackupHead.FORMAT_VERSION) {
                        return h;
                    }
                }
            } catch (IOException | RuntimeException unusable) {
                // absent, or not this head: read it from the store
            }
        }
        return head(id);
    }

    /** Keeps {@code head} (as its head file holds it) in {@code cached} for {@link #head(StoreStat, Path)}; failures only cost a read later. */
    public static void keep(BackupHead head, Path cached) {
        try {
            Files.createDirectories(cached.getParent());
            Path tmp = Files.createTempFile(cached.getParent(), "head-", ".tmp");
            try {
                Files.write(tmp, RepoJson.bytes(head));
                Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // the next backup reads the head from the store
        }
    }

    public BackupHead head(String backupId) {
        String rel = headKey(backupId);
        BackupHead h = RepoJson.read(repo.store().read(repo.key(rel)), BackupHead.class, repo.where(rel));
        if (h.formatVersion() > BackupHead.FORMAT_VERSION) {
            throw new OwuiException("backup " + backupId + " at " + repo.where(rel) + " has format version " + h.formatVersion()
                    + ", newer than this tool reads (" + BackupHead.FORMAT_VERSION + ")", "use a newer version of the owui backup plugin");
        }
        if (h.chunks() == null || !backupId.equals(h.backupId())) {
            throw new OwuiException("the head " + repo.where(rel) + " is incomplete or belongs to backup " + h.backupId(),
                    "the backup is damaged; use another backup");
        }
        return h;
    }

    /** The backup's entries, one chunk decoded at a time; close it when stopping early. */
    public EntryIterator entries(BackupHead head, DecryptionKeys keys) {
        return new EntryIterator(repo, head, keys, null);
    }

    /** {@link #entries(BackupHead, DecryptionKeys)} with the chunks read through a local cache (null: none). */
    public EntryIterator entries(BackupHead head, DecryptionKeys keys, ObjectCache cache) {
        return new EntryIterator(repo, head, keys, cache);
    }

    /** The findings of an encrypted-manifest head (decrypted), or the head's own. */
    public InstanceFacts findings(BackupHead head, DecryptionKeys keys) {
        if (head.findings() == null) {
            return head.openWebUi();
        }
        byte[] json = repo.objectReader().readAll(head.findings(), head.chunkStorage(), keys);
        return RepoJson.read(new java.io.ByteArrayInputStream(json), InstanceFacts.class, "findings of backup " + head.backupId());
    }

    /**
     * A writer for the next backup, under {@code lock} (exclusive). {@code previous} (or null) is
     * the last backup, whose chunks are reused where identical; {@code damaged} the object names
     * recorded damaged, never reused.
     */
    public BackupWriter writer(RepoLock lock, CodecSettings settings, Manifest.StorageSettings storage, BackupHead previous, Set<String> damaged) {
        return new BackupWriter(repo, lock, settings, storage, previous, damaged);
    }
}
