package dev.owui.backup.diff;

import dev.owui.backup.OwuiException;
import dev.owui.backup.diff.DiffResult.FileChange;
import dev.owui.backup.diff.DiffResult.FileCounts;
import dev.owui.backup.diff.DiffResult.FolderChange;
import dev.owui.backup.diff.DiffResult.FolderCounts;
import dev.owui.backup.diff.DiffResult.TableCount;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.InstanceFacts;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.repo.manifest.SortedMerge;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Compares two full manifests by path in one sorted pass (both file lists in {@link PathOrder},
 * merged with {@link SortedMerge}), so the work is one step per entry and what it keeps is the
 * first {@code limit} entries per category. Content is compared by what the manifest records
 * (size, SHA-256, symlink target, type): how a file is stored (plain, zstd, pgp) is no change.
 */
public final class ManifestDiff {
    /** The tables an operator recognises, in the order the summary shows them (InstanceInspector counts these). */
    static final List<String> TABLES = List.of("users", "chats", "messages", "files", "knowledge");

    private ManifestDiff() {
    }

    public static DiffResult compare(String location, String instance, Manifest before, Manifest after, int limit) {
        return compare(location, instance, DiffSide.of(before), DiffSide.of(after), limit);
    }

    /** Compares two backups of any format (see {@link DiffSide}), each read once for its files and once for its folders. */
    static DiffResult compare(String location, String instance, DiffSide before, DiffSide after, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit);
        }
        FileTally f = new FileTally(limit);
        try (Stream<FileEntry> b = before.files(); Stream<FileEntry> a = after.files()) {
            merge(before, after, b, a, FileEntry::path, f::add);
        }
        FolderCounts folders = null;
        List<FolderChange> folderChanges = List.of();
        try (Stream<DirectoryEntry> b = before.folders(); Stream<DirectoryEntry> a = after.folders()) {
            if (b != null && a != null) {
                Folders d = new Folders(limit);
                merge(before, after, b, a, DirectoryEntry::path, d::add);
                folders = new FolderCounts(d.added, d.removed, d.mode, d.unchanged);
                folderChanges = d.kept;
            }
        }
        InstanceFacts fb = before.facts();
        InstanceFacts fa = after.facts();
        return new DiffResult(location, instance, before.backupId(), after.backupId(), before.startedAt(), after.startedAt(),
                new FileCounts(f.added.n, f.removed.n, f.changed.n, f.mode.n, f.touched.n, f.unchanged,
                        f.bytesAdded, f.bytesRemoved, f.changedBefore, f.changedAfter, f.bytesBefore, f.bytesAfter),
                f.added.kept, f.removed.kept, f.changed.kept, f.mode.kept, f.touched.kept, folders, folderChanges,
                tables(fb, fa), fb == null ? null : fb.schemaRevision(), fa == null ? null : fa.schemaRevision(),
                findings(fb, fa), limit);
    }

    /**
     * Walks both sides' entries in path order (each side gives them in PathOrder). A backup naming
     * one path twice, or out of order, is damaged (a backup never records two files under one
     * name): the merge would pair the wrong entries, so it stops.
     */
    private static <T> void merge(DiffSide before, DiffSide after, Stream<T> b, Stream<T> a,
                                  Function<T, String> path, BiConsumer<T, T> each) {
        SortedMerge<T, T> m = new SortedMerge<>(b.iterator(), path, a.iterator(), path, PathOrder.INSTANCE);
        try {
            while (m.hasNext()) {
                SortedMerge.Pair<T, T> p = m.next();
                each.accept(p.left(), p.right());
            }
        } catch (IllegalStateException e) {
            throw new OwuiException("a manifest lists one path twice or out of order (" + e.getMessage() + "): backup "
                    + before.backupId() + " or " + after.backupId(), "the backup is damaged: run owui:verify on both", e);
        }
    }

    /** One category: how many, and the first {@code limit} of them (they arrive in path order). */
    private static final class Category<T> {
        final int limit;
        final List<T> kept = new ArrayList<>();
        long n;

        Category(int limit) {
            this.limit = limit;
        }

        void add(T change) {
            n++;
            if (kept.size() < limit) {
                kept.add(change);
            }
        }
    }

    private static final class FileTally {
        final Category<FileChange> added;
        final Category<FileChange> removed;
        final Category<FileChange> changed;
        final Category<FileChange> mode;
        final Category<FileChange> touched;
        long unchanged;
        long bytesAdded;
        long bytesRemoved;
        long changedBefore;
        long changedAfter;
        long bytesBefore;
        long bytesAfter;

        FileTally(int limit) {
            added = new Category<>(limit);
            removed = new Category<>(limit);
            changed = new Category<>(limit);
            mode = new Category<>(limit);
            touched = new Category<>(limit);
        }

        void add(FileEntry b, FileEntry a) {
            if (b != null) {
                bytesBefore += b.size();
            }
            if (a != null) {
                bytesAfter += a.size();
            }
            if (b == null) {
                bytesAdded += a.size();
                added.add(new FileChange(a.path(), a.type(), null, a.size(), null, a.mode(), null));
                return;
            }
            if (a == null) {
                bytesRemoved += b.size();
                removed.add(new FileChange(b.path(), b.type(), b.size(), null, b.mode(), null, null));
                return;
            }
            String what = contentChange(b, a);
            FileChange c = new FileChange(a.path(), a.type(), b.size(), a.size(), b.mode(), a.mode(), what);
            if (what != null) {
                changedBefore += b.size();
                changedAfter += a.size();
                changed.add(c);
            } else if (modeChanged(b.mode(), a.mode())) {
                mode.add(c);
            } else if (!Objects.equals(b.mtime(), a.mtime())) {
                touched.add(c);
            } else {
                unchanged++;
            }
        }
    }

    /** What about the content differs, or null when it is the same. */
    static String contentChange(FileEntry b, FileEntry a) {
        if (!Objects.equals(b.type(), a.type())) {
            return "type " + b.type() + " → " + a.type();
        }
        if (b.isSymlink()) {
            return Objects.equals(b.linkTarget(), a.linkTarget()) ? null : "link target " + b.linkTarget() + " → " + a.linkTarget();
        }
        return b.size() != a.size() || !Objects.equals(b.sha256(), a.sha256()) ? "content" : null;
    }

    /** A mode counts as changed only when both backups recorded one (older manifests may lack it). */
    private static boolean modeChanged(String before, String after) {
        return before != null && after != null && !before.equals(after);
    }

    private static final class Folders {
        final int limit;
        final List<FolderChange> kept = new ArrayList<>();
        long added;
        long removed;
        long mode;
        long unchanged;

        Folders(int limit) {
            this.limit = limit;
        }

        // A folder's time changes whenever a file in it comes or goes, so only its presence and mode are news.
        void add(DirectoryEntry b, DirectoryEntry a) {
            FolderChange c;
            if (b == null) {
                added++;
                c = new FolderChange(a.path(), "added", null, a.mode());
            } else if (a == null) {
                removed++;
                c = new FolderChange(b.path(), "removed", b.mode(), null);
            } else if (modeChanged(b.mode(), a.mode())) {
                mode++;
                c = new FolderChange(a.path(), "mode", b.mode(), a.mode());
            } else {
                unchanged++;
                return;
            }
            if (kept.size() < limit) {
                kept.add(c);
            }
        }
    }

    private static List<TableCount> tables(InstanceFacts b, InstanceFacts a) {
        Map<String, Long> cb = b == null || b.counts() == null ? Map.of() : b.counts();
        Map<String, Long> ca = a == null || a.counts() == null ? Map.of() : a.counts();
        Set<String> names = new LinkedHashSet<>(TABLES);
        Set<String> others = new TreeSet<>(cb.keySet());
        others.addAll(ca.keySet());
        names.addAll(others);
        List<TableCount> rows = new ArrayList<>();
        for (String name : names) {
            rows.add(new TableCount(name, cb.get(name), ca.get(name)));
        }
        return rows;
    }

    private static List<TableCount> findings(InstanceFacts b, InstanceFacts a) {
        return List.of(
                new TableCount("rows without a file", size(b, InstanceFacts::rowsWithoutFile), size(a, InstanceFacts::rowsWithoutFile)),
                new TableCount("files without a row", size(b, InstanceFacts::filesWithoutRow), size(a, InstanceFacts::filesWithoutRow)),
                new TableCount("files stored outside", size(b, InstanceFacts::externalFiles), size(a, InstanceFacts::externalFiles)));
    }

    private static Long size(InstanceFacts f, Function<InstanceFacts, List<String>> list) {
        if (f == null) {
            return null;
        }
        List<String> l = list.apply(f);
        return l == null ? 0L : (long) l.size();
    }
}
