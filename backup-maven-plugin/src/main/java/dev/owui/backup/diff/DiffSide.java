package dev.owui.backup.diff;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.manifest.PathOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One side of a diff, whatever its format: its facts, and its files and folders as streams in
 * {@link PathOrder} (the order the merge pairs equal paths in). A format 1/2 manifest is held
 * whole already and is sorted here (its lists are in plain string order, which differs from
 * PathOrder: {@code a.txt} before {@code a/b}); a format 3 backup's entries are already in
 * PathOrder and are read as they come, one chunk at a time, once for the files and once for the
 * folders. Close each stream (a format 3 one holds a chunk open).
 */
interface DiffSide {
    String backupId();

    Instant startedAt();

    /** The instance's facts and counts, the findings included (null: none recorded). */
    InstanceFacts facts();

    /** Files (secret key included, as format 2 lists it) in PathOrder. */
    Stream<FileEntry> files();

    /** Folders in PathOrder, or null when the backup records none (formats before folders were recorded). */
    Stream<DirectoryEntry> folders();

    /** A format 1/2 backup: its manifest, already read whole. */
    static DiffSide of(Manifest m) {
        return new DiffSide() {
            @Override
            public String backupId() {
                return m.backupId();
            }

            @Override
            public Instant startedAt() {
                return m.startedAt();
            }

            @Override
            public InstanceFacts facts() {
                return m.openWebUi();
            }

            @Override
            public Stream<FileEntry> files() {
                return sorted(m.files(), FileEntry::path).stream();
            }

            @Override
            public Stream<DirectoryEntry> folders() {
                return m.directories() == null ? null : sorted(m.directories(), DirectoryEntry::path).stream();
            }
        };
    }

    private static <T> List<T> sorted(List<T> list, Function<T, String> path) {
        List<T> copy = new ArrayList<>(list == null ? List.of() : list);
        copy.sort(Comparator.comparing(path, PathOrder.INSTANCE));
        return copy;
    }

    /**
     * A format 3 backup: the head's facts (the findings decrypted when the head keeps them apart),
     * its entries streamed. A database's size and SHA-256 are the whole database's as captured,
     * as format 2 records them, so the two formats compare.
     */
    static DiffSide of(Repository repo, String backupId, DecryptionKeys keys) {
        BackupHead head = repo.backups().head(backupId);
        InstanceFacts facts = repo.backups().findings(head, keys);
        return new DiffSide() {
            @Override
            public String backupId() {
                return head.backupId();
            }

            @Override
            public Instant startedAt() {
                return head.startedAt();
            }

            @Override
            public InstanceFacts facts() {
                return facts;
            }

            @Override
            public Stream<FileEntry> files() {
                return entries().filter(e -> !Entry.DIR.equals(e.type()))
                        .map(e -> new FileEntry(e.path(), e.type(), e.size() == null ? 0 : e.size(), e.sha256(), e.mtime(), e.mode(),
                                e.storage(), null, e.linkTarget()));
            }

            @Override
            public Stream<DirectoryEntry> folders() {
                return entries().filter(e -> Entry.DIR.equals(e.type())).map(e -> new DirectoryEntry(e.path(), e.mtime(), e.mode()));
            }

            private Stream<Entry> entries() {
                EntryIterator it = repo.backups().entries(head, keys);
                return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, 0), false).onClose(it::close);
            }
        };
    }
}
