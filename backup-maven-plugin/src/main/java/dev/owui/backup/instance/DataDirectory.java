package dev.owui.backup.instance;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An Open WebUI data directory ({@code DATA_DIR}): what makes a directory one, and the list of
 * what a backup takes from it.
 */
public final class DataDirectory {
    public static final String MAIN_DB = "webui.db";
    public static final String UPLOADS = "uploads";
    public static final String VECTOR_DB = "vector_db";

    private final Path root;

    private DataDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /**
     * Opens a data directory for backup, or fails with what is wrong and what to do: missing,
     * empty, not a directory, no webui.db, a webui.db that is not SQLite.
     */
    public static DataDirectory open(Path dir) {
        if (dir == null) {
            throw new OwuiException("no data directory given",
                    "set owui.dataDir to Open WebUI's DATA_DIR (the volume mounted at /app/backend/data)");
        }
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.exists(root)) {
            throw new OwuiException("data directory " + root + " does not exist",
                    "set owui.dataDir to Open WebUI's DATA_DIR; for a Docker volume, `docker volume inspect <volume>` shows its Mountpoint");
        }
        if (!Files.isDirectory(root)) {
            throw new OwuiException("data directory " + root + " is not a directory", "point owui.dataDir at the directory that holds webui.db");
        }
        if (isEmpty(root)) {
            throw new OwuiException("data directory " + root + " is empty",
                    "point owui.dataDir at the directory that holds webui.db, uploads/ and vector_db/ (nothing to back up here)");
        }
        Path db = root.resolve(MAIN_DB);
        if (!Files.isRegularFile(db)) {
            throw new OwuiException("data directory " + root + " has no " + MAIN_DB + ", so it is not an Open WebUI data directory",
                    "point owui.dataDir at the directory that holds webui.db (instances with DATABASE_URL on PostgreSQL are not supported yet)");
        }
        if (!SqliteFiles.hasSqliteHeader(db)) {
            throw new OwuiException(db + " is not an SQLite database (no SQLite header)",
                    "check owui.dataDir; an SQLCipher-encrypted webui.db (DATABASE_TYPE=sqlite+sqlcipher) is not supported yet");
        }
        return new DataDirectory(root);
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new OwuiException("cannot read data directory " + dir + ": " + e.getMessage(),
                    "run as a user that can read it (often root, or the owner of the Docker volume)", e);
        }
    }

    /**
     * Everything the selector takes, in capture order: the databases first (webui.db, then
     * Chroma's), then the other files by path. Databases first is deliberate: a file added after
     * the database copy is a harmless orphan, while a Chroma index newer than chroma.sqlite3's
     * max_seq_id is replayed from embeddings_queue on first use (see FORMAT.md).
     * SQLite side files (-wal, -shm, -journal) are never listed; their content is captured through
     * the database.
     */
    public List<SourceFile> scan(FileSelector selector) {
        List<SourceFile> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String rel = rel(dir);
                    return rel.isEmpty() || selector.walkInto(rel) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(file);
                    if (selector.selects(rel)) {
                        SourceFile f = describe(file, rel);
                        if (f != null) {
                            found.add(f);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // deleted while we listed: a live instance does that
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new OwuiException("cannot list data directory " + root + ": " + e.getMessage(),
                    "run as a user that can read every file of the data directory", e);
        }
        Set<String> databases = new HashSet<>();
        for (SourceFile f : found) {
            if (f.type().equals(FileEntry.SQLITE)) {
                databases.add(f.rel());
            }
        }
        found.removeIf(f -> databases.contains(SqliteFiles.databaseOfSideFile(f.rel())));
        found.sort(Comparator.comparingInt(DataDirectory::captureRank).thenComparing(SourceFile::rel));
        return found;
    }

    /**
     * The folders below the data directory that the selector takes (empty ones too), by path, with
     * their mode and time: the manifest's {@code directories}, which restore puts back. Symbolic
     * links to folders are links, not folders (the walk does not follow them).
     */
    public List<DirectoryEntry> directories(FileSelector selector) {
        List<DirectoryEntry> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(dir);
                    if (rel.isEmpty()) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (!selector.walkInto(rel)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (selector.selects(rel)) {
                        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                        String mode;
                        try {
                            mode = view == null ? null : PosixFilePermissions.toString(view.readAttributes().permissions());
                        } catch (NoSuchFileException gone) {
                            return FileVisitResult.SKIP_SUBTREE; // removed while we listed
                        }
                        found.add(new DirectoryEntry(rel, attrs.lastModifiedTime().toInstant(), mode));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // removed while we listed
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new OwuiException("cannot list data directory " + root + ": " + e.getMessage(),
                    "run as a user that can read every folder of the data directory", e);
        }
        found.sort(Comparator.comparing(DirectoryEntry::path));
        return found;
    }

    private static int captureRank(SourceFile f) {
        if (f.rel().equals(MAIN_DB)) {
            return 0;
        }
        return f.type().equals(FileEntry.SQLITE) ? 1 : 2;
    }

    /**
     * The path relative to the data directory with '/' between names. Built from the name
     * elements, never by replacing backslashes: on Linux a backslash is an ordinary character of
     * a file name (an upload may be called "a\b.txt"), not a separator.
     */
    private String rel(Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path name : root.relativize(p)) {
            sb.append(sb.length() == 0 ? "" : "/").append(name);
        }
        return sb.toString();
    }

    private SourceFile describe(Path file, String rel) throws IOException {
        BasicFileAttributes a;
        String mode = null;
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            if (view != null) {
                PosixFileAttributes pa = view.readAttributes();
                a = pa;
                mode = PosixFilePermissions.toString(pa.permissions());
            } else {
                a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (NoSuchFileException gone) {
            return null;
        }
        Instant mtime = a.lastModifiedTime().toInstant();
        if (a.isSymbolicLink()) {
            return new SourceFile(rel, file, FileEntry.SYMLINK, 0, mtime, mode, Files.readSymbolicLink(file).toString());
        }
        if (!a.isRegularFile()) {
            return null; // sockets, fifos, devices: nothing Open WebUI keeps
        }
        boolean sqlite = !rel.startsWith(UPLOADS + "/") && SqliteFiles.hasSqliteHeader(file);
        return new SourceFile(rel, file, sqlite ? FileEntry.SQLITE : FileEntry.FILE, a.size(), mtime, mode, null);
    }

    /** A file's size and modification time at one moment. */
    public record Stat(long size, Instant mtime) {
    }

    /** Reads a file's current size and mtime, or null when it is gone. Used to spot files changing under a hot copy. */
    public static Stat stat(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Stat(a.size(), a.lastModifiedTime().toInstant());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
