package dev.owui.backup.instance;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The data directory walked lazily in format 3's path order ({@code repo.manifest.PathOrder}):
 * depth first, each directory's names sorted by their UTF-8 bytes, so a folder comes right before
 * what it holds and {@code a/b} before {@code a.txt}. What it yields is what {@link DataDirectory#scan}
 * and {@link DataDirectory#directories} list together (same selector, same rules), but only one
 * directory's names are held at a time per level: a million uploads are never a million
 * {@link SourceFile}s in memory, only a million names while uploads/ itself is walked.
 *
 * <p>Databases are captured before the files are read (see {@link DataDirectory#scan}), so they
 * are found first by {@link #databases}, a walk that skips uploads/ (SQLite files there are
 * uploads, stored as files); the streaming walk then leaves out their side files (-wal, -shm,
 * -journal). A name that cannot be recorded faithfully (see {@link FileNames}) fails the walk
 * when it ends (every such name listed, as the scan does), before any backup is committed; FIFOs,
 * sockets and devices are passed to {@code warn} as they are met.
 */
public final class SortedWalk implements Iterator<SortedWalk.Found> {

    /** One entry of the walk: a file, database or symlink ({@code file}), or a folder ({@code dir}). */
    public record Found(SourceFile file, DirectoryEntry dir) {
        public String path() {
            return file != null ? file.rel() : dir.path();
        }
    }

    private final DataDirectory dataDir;
    private final FileSelector selector;
    private final Consumer<String> warn;
    private final Set<String> databases;
    private final boolean databasesOnly;
    private final ArrayDeque<Level> stack = new ArrayDeque<>();
    private final Map<String, FileNames.Unfaithful> unfaithful = new LinkedHashMap<>();
    private Found next;
    /** Whether the filesystem gives POSIX attributes (read with each stat); false after it refused once. */
    private boolean posix = true;
    private String last;
    private boolean done;

    /**
     * The names of one directory being walked, packed and sorted by their UTF-8 bytes (PathOrder
     * within one directory: a name holds no '/'); a name that is not ASCII is also kept as its
     * Path, whose bytes are exact where the decoded String's may not be.
     */
    private record Level(Path dir, String rel, SortedNames names, Map<Integer, Path> exact, int[] at) {
    }

    private SortedWalk(DataDirectory dataDir, FileSelector selector, Consumer<String> warn, Set<String> databases, boolean databasesOnly) {
        this.dataDir = dataDir;
        this.selector = selector;
        this.warn = warn;
        this.databases = databases;
        this.databasesOnly = databasesOnly;
        stack.push(list(dataDir.realRoot(), ""));
    }

    /**
     * Everything the selector takes, lazily, in path order; {@code databases} (from
     * {@link #databases}) are the SQLite files whose side files are left out.
     */
    public static SortedWalk of(DataDirectory dataDir, FileSelector selector, Consumer<String> warn, Set<String> databases) {
        return new SortedWalk(dataDir, selector, warn, databases, false);
    }

    /**
     * The selected SQLite databases (outside uploads/), in capture order: webui.db, then the others
     * by path. Fails like the scan when a name outside uploads/ cannot be recorded faithfully.
     */
    public static List<SourceFile> databases(DataDirectory dataDir, FileSelector selector) {
        List<SourceFile> found = new ArrayList<>();
        new SortedWalk(dataDir, selector, w -> { }, Set.of(), true).forEachRemaining(f -> found.add(f.file()));
        found.sort(Comparator.comparingInt(DataDirectory::captureRank).thenComparing(SourceFile::rel));
        return found;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !done) {
            next = advance();
            if (next == null && stack.isEmpty()) {
                done = true;
                if (!unfaithful.isEmpty()) {
                    throw DataDirectory.unfaithfulNames(List.copyOf(unfaithful.values()));
                }
            }
        }
        return next != null;
    }

    @Override
    public Found next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Found f = next;
        next = null;
        if (last != null && last.equals(f.path())) { // only names Java decodes alike can collide; they fail above too
            throw new OwuiException("two entries of the data directory have the same path " + f.path(), "rename one of them; nothing was stored");
        }
        last = f.path();
        return f;
    }

    /** The next entry to yield, or null when a level ended or an entry was not taken (call again while the stack is not empty). */
    private Found advance() {
        Level level = stack.peek();
        if (level == null) {
            return null;
        }
        int i = level.at()[0]++;
        if (i == level.names().size()) {
            stack.pop();
            return null;
        }
        String n = level.names().get(i);
        Path exact = level.exact().isEmpty() ? null : level.exact().get(level.names().origin(i));
        Path abs = exact != null ? exact : level.dir().resolve(n);
        String rel = level.rel().isEmpty() ? n : level.rel() + "/" + n;
        BasicFileAttributes attrs;
        try {
            // One stat per entry: the POSIX attributes carry the type, size, mtime and mode the entry needs.
            attrs = posix ? Files.readAttributes(abs, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    : Files.readAttributes(abs, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException notPosix) {
            posix = false;
            return retry(level);
        } catch (NoSuchFileException gone) {
            return null; // deleted while we walked: a live instance does that
        } catch (IOException e) {
            throw cannotList(e);
        }
        if (attrs.isDirectory()) {
            return directory(abs, rel, attrs);
        }
        if (!DataDirectory.matches(() -> selector.selects(rel))) {
            return null;
        }
        if (badName(abs, n)) {
            return null;
        }
        if (databasesOnly) {
            SourceFile f = describe(abs, rel, attrs);
            return f != null && f.type().equals(FileEntry.SQLITE) ? new Found(f, null) : null;
        }
        String database = SqliteFiles.databaseOfSideFile(rel);
        if (database != null && databases.contains(database)) {
            return null; // captured through its database
        }
        SourceFile f = describe(abs, rel, attrs);
        if (f == null && attrs.isOther()) {
            warn.accept(rel + " (" + DataDirectory.kindOf(abs) + ") is not backed up: FIFOs, sockets and devices have no content to store");
        }
        return f == null ? null : new Found(f, null);
    }

    private Found directory(Path abs, String rel, BasicFileAttributes attrs) {
        if (!DataDirectory.matches(() -> selector.walkInto(rel))) {
            return null;
        }
        if (databasesOnly && rel.equals(DataDirectory.UPLOADS)) {
            return null; // a database there is an upload, stored as a file
        }
        if (badName(abs, abs.getFileName().toString())) {
            return null; // an empty folder with such a name would otherwise be recorded under a wrong name
        }
        Level children = list(abs, rel);
        if (children == null) {
            return null; // removed while we walked
        }
        stack.push(children);
        if (databasesOnly || !DataDirectory.matches(() -> selector.selects(rel))) {
            return null;
        }
        String mode = attrs instanceof PosixFileAttributes pa ? PosixFilePermissions.toString(pa.permissions()) : null;
        return new Found(null, new DirectoryEntry(rel, attrs.lastModifiedTime().toInstant(), mode));
    }

    /** Records {@code abs}'s last name element when Java cannot record it faithfully (the parents were checked on the way down). */
    private boolean badName(Path abs, String name) {
        FileNames.Unfaithful bad = FileNames.firstUnfaithful(abs, name, 1);
        if (bad == null) {
            return false;
        }
        unfaithful.putIfAbsent(bad.parent() + "/" + bad.escaped(), bad);
        return true;
    }

    /** Steps back to the entry just tried, to stat it again without POSIX attributes. */
    private Found retry(Level level) {
        level.at()[0]--;
        return null;
    }

    private SourceFile describe(Path abs, String rel, BasicFileAttributes attrs) {
        try {
            return DataDirectory.describe(abs, rel, attrs);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            throw cannotList(e);
        }
    }

    /** A directory's names, sorted; null when it is gone. */
    private Level list(Path dir, String rel) {
        SortedNames.Builder names = new SortedNames.Builder();
        Map<Integer, Path> exact = new HashMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!isAscii(n)) {
                    exact.put(names.size(), p);
                }
                names.add(n);
            }
        } catch (NoSuchFileException gone) {
            if (rel.isEmpty()) {
                throw cannotList(gone);
            }
            return null;
        } catch (IOException e) {
            throw cannotList(e);
        }
        return new Level(dir, rel, names.build(false), exact, new int[1]);
    }

    private OwuiException cannotList(IOException e) {
        return new OwuiException("cannot list data directory " + dataDir.root() + ": " + e.getMessage(),
                "run as a user that can read every file and folder of the data directory", e);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
