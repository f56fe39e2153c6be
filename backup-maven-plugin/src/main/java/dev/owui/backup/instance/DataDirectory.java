package dev.owui.backup.instance;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.DirectoryEntry;
import dev.owui.backup.format.FileEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * An Open WebUI data directory ({@code DATA_DIR}): what makes a directory one, and the list of
 * what a backup takes from it.
 */
public final class DataDirectory {
    public static final String MAIN_DB = "webui.db";
    public static final String UPLOADS = "uploads";

    private final Path root;
    private final Path realRoot;

    private DataDirectory(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /** The directory as given (absolute, normalised); what the manifest and the log show. */
    public Path root() {
        return root;
    }

    /**
     * The directory with every symlink resolved; what is walked. A data directory is often a
     * symlink to a Docker volume's {@code _data}, and a walk that does not follow links would see
     * only the link itself.
     */
    public Path realRoot() {
        return realRoot;
    }

    /**
     * Whether {@code path} (which need not exist yet, like a target about to be created) lies in
     * this data directory once symlinks are resolved, on either side: a target reached through a
     * symlink into the data directory would make every backup contain the ones before it.
     */
    public boolean contains(Path path) {
        return realPathOf(path).startsWith(realRoot);
    }

    /** The real path of the deepest existing ancestor, with the part that does not exist yet appended. */
    static Path realPathOf(Path path) {
        Path p = path.toAbsolutePath().normalize();
        Path missing = null;
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.exists(q)) {
                try {
                    Path real = q.toRealPath();
                    return missing == null ? real : real.resolve(missing);
                } catch (IOException e) {
                    return p; // unreadable on the way: compare as given
                }
            }
            Path name = q.getFileName();
            missing = missing == null ? name : name.resolve(missing);
        }
        return p;
    }

    /**
     * Opens a data directory for backup, or fails with what is wrong and what to do: missing,
     * empty, not a directory, no webui.db, a webui.db that is not SQLite.
     */
    public static DataDirectory open(Path dir) {
        return open(dir, false);
    }

    /**
     * The same for an instance whose database is in PostgreSQL ({@code databaseElsewhere}): its
     * data directory holds no webui.db (uploads, vector_db, cache); the database is dumped
     * instead. A webui.db there anyway (a leftover from before the move) is backed up as a file
     * database like any other.
     */
    public static DataDirectory open(Path dir, boolean databaseElsewhere) {
        if (dir == null) {
            throw new OwuiException("no data directory given",
                    "set owui.dataDir to Open WebUI's DATA_DIR (the volume mounted at /app/backend/data)");
        }
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.exists(root)) {
            String link = "";
            if (Files.isSymbolicLink(root)) {
                try {
                    link = " (it is a symlink to " + Files.readSymbolicLink(root) + ", which does not exist)";
                } catch (IOException ignored) {
                    link = " (it is a dangling symlink)";
                }
            }
            throw new OwuiException("data directory " + root + " does not exist" + link,
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
        if (!databaseElsewhere && !Files.isRegularFile(db)) {
            throw new OwuiException("data directory " + root + " has no " + MAIN_DB + ", so it is not an Open WebUI data directory"
                    + " (of an instance on SQLite)",
                    "point owui.dataDir at the directory that holds webui.db; for an instance whose DATABASE_URL points at PostgreSQL,"
                            + " name its database with owui.databaseUrl (or owui.envFile, the compose .env that sets DATABASE_URL)");
        }
        if (Files.isRegularFile(db) && !SqliteFiles.hasSqliteHeader(db)) {
            throw new OwuiException(db + " is not an SQLite database (no SQLite header)",
                    "check owui.dataDir; an SQLCipher-encrypted webui.db (DATABASE_TYPE=sqlite+sqlcipher) is not supported yet");
        }
        try {
            return new DataDirectory(root, root.toRealPath());
        } catch (IOException e) {
            throw new OwuiException("cannot resolve data directory " + root + ": " + e.getMessage(),
                    "run as a user that can read it and every directory on its path", e);
        }
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
     *
     * <p>Fails (an {@link OwuiException}, before anything is stored) when a selected name cannot
     * be recorded faithfully (see {@link FileNames}) or two entries would get the same path.
     * FIFOs, sockets and devices have no content to store: each is passed to {@code warn}.
     */
    public List<SourceFile> scan(FileSelector selector, Consumer<String> warn) {
        List<SourceFile> found = new ArrayList<>();
        Map<String, FileNames.Unfaithful> unfaithful = new LinkedHashMap<>();
        List<String> special = new ArrayList<>();
        try {
            Files.walkFileTree(realRoot, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String rel = rel(dir);
                    return rel.isEmpty() || matches(() -> selector.walkInto(rel)) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(file);
                    if (!matches(() -> selector.selects(rel))) {
                        return FileVisitResult.CONTINUE;
                    }
                    FileNames.Unfaithful bad = FileNames.firstUnfaithful(file, rel, realRoot.relativize(file).getNameCount());
                    if (bad != null) {
                        unfaithful.putIfAbsent(bad.parent() + "/" + bad.escaped(), bad); // a bad directory name is reported once
                        return FileVisitResult.CONTINUE;
                    }
                    SourceFile f = describe(file, rel);
                    if (f == null && attrs.isOther()) {
                        special.add(rel + " (" + kindOf(file) + ")");
                    } else if (f != null) {
                        found.add(f);
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
        if (!unfaithful.isEmpty()) {
            throw unfaithfulNames(List.copyOf(unfaithful.values()));
        }
        checkUnique(found);
        for (String s : special) {
            warn.accept(s + " is not backed up: FIFOs, sockets and devices have no content to store");
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
     * A name Java decoded lossily (U+FFFD) cannot be matched as a path by the selector (and under
     * a non-UTF-8 locale Path.of even refuses it): such an entry counts as selected, so it is
     * reported rather than silently left out.
     */
    static boolean matches(java.util.function.BooleanSupplier test) {
        try {
            return test.getAsBoolean();
        } catch (InvalidPathException e) {
            return true;
        }
    }

    static OwuiException unfaithfulNames(List<FileNames.Unfaithful> bad) {
        String jnu = System.getProperty("sun.jnu.encoding", "?");
        boolean jvmNotUtf8 = !jnu.equalsIgnoreCase("UTF-8") && !jnu.equalsIgnoreCase("UTF8");
        StringBuilder list = new StringBuilder();
        int shown = Math.min(bad.size(), 10);
        for (int i = 0; i < shown; i++) {
            FileNames.Unfaithful u = bad.get(i);
            list.append(i == 0 ? "" : ", ").append('\'').append(u.escaped()).append("' in ").append(u.parent());
        }
        if (bad.size() > shown) {
            list.append(" and ").append(bad.size() - shown).append(" more");
        }
        FileNames.Unfaithful invalid = bad.stream().filter(u -> !u.isValidUtf8()).findFirst().orElse(null);
        boolean misdecoded = jvmNotUtf8 && bad.stream().anyMatch(FileNames.Unfaithful::isValidUtf8);
        List<String> why = new ArrayList<>();
        List<String> advice = new ArrayList<>();
        if (invalid != null) {
            why.add("a name with bytes shown as \\xNN is not valid UTF-8, so Java reads those bytes as U+FFFD and could neither"
                    + " record the name faithfully nor tell it apart from one differing only in those bytes");
            advice.add("rename such files to valid UTF-8 names, e.g. in " + invalid.parent() + ": mv $'"
                    + invalid.escaped().replace("'", "\\'") + "' <new name>");
        }
        if (misdecoded) {
            why.add("this JVM decodes file names as " + jnu + " (sun.jnu.encoding, from the locale), not as UTF-8");
            advice.add("run Maven with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 in its environment (cron and systemd units often set none;"
                    + " Java 17 ignores -Dsun.jnu.encoding)");
        }
        if (why.isEmpty()) {
            why.add("Java reads these names differently from their bytes on disk");
            advice.add("rename them to plain UTF-8 names");
        }
        return new OwuiException(bad.size() + " name(s) in the data directory cannot be backed up as they are: " + list + ": "
                + String.join("; ", why), String.join("; ", advice) + "; nothing was stored");
    }

    /** Two entries with one path would be one file in the backup and two in the manifest: never store that. */
    static void checkUnique(List<SourceFile> files) {
        Set<String> seen = new HashSet<>();
        for (SourceFile f : files) {
            if (!seen.add(f.rel())) {
                throw new OwuiException("two entries of the data directory have the same path " + f.rel() + " (one is " + f.abs() + ")",
                        "rename one of them; nothing was stored");
            }
        }
    }

    /** What kind of special file {@code file} is, from its st_mode. */
    static String kindOf(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return switch (mode & 0170000) {
                case 0010000 -> "FIFO";
                case 0140000 -> "socket";
                case 0020000 -> "character device";
                case 0060000 -> "block device";
                default -> "special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "special file";
        }
    }

    /**
     * The folders below the data directory that the selector takes (empty ones too), by path, with
     * their mode and time: the manifest's {@code directories}, which restore puts back. Symbolic
     * links to folders are links, not folders (the walk does not follow them).
     */
    public List<DirectoryEntry> directories(FileSelector selector) {
        List<DirectoryEntry> found = new ArrayList<>();
        List<FileNames.Unfaithful> unfaithful = new ArrayList<>();
        try {
            Files.walkFileTree(realRoot, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(dir);
                    if (rel.isEmpty()) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (!matches(() -> selector.walkInto(rel))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    FileNames.Unfaithful bad = FileNames.firstUnfaithful(dir, rel, realRoot.relativize(dir).getNameCount());
                    if (bad != null) { // an empty folder with such a name would otherwise be recorded under a wrong name
                        unfaithful.add(bad);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (matches(() -> selector.selects(rel))) {
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
        if (!unfaithful.isEmpty()) {
            throw unfaithfulNames(unfaithful);
        }
        found.sort(Comparator.comparing(DirectoryEntry::path));
        return found;
    }

    static int captureRank(SourceFile f) {
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
        for (Path name : realRoot.relativize(p)) {
            sb.append(sb.length() == 0 ? "" : "/").append(name);
        }
        return sb.toString();
    }

    static SourceFile describe(Path file, String rel) throws IOException {
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
        return describe(file, rel, a, mode);
    }

    /**
     * {@link #describe(Path, String)} from attributes read already (one stat per file in a walk of
     * a million): POSIX ones give the mode, others none.
     */
    static SourceFile describe(Path file, String rel, BasicFileAttributes a) throws IOException {
        return describe(file, rel, a, a instanceof PosixFileAttributes pa ? PosixFilePermissions.toString(pa.permissions()) : null);
    }

    private static SourceFile describe(Path file, String rel, BasicFileAttributes a, String mode) throws IOException {
        Instant mtime = a.lastModifiedTime().toInstant();
        if (a.isSymbolicLink()) {
            return new SourceFile(rel, file, FileEntry.SYMLINK, 0, mtime, mode, Files.readSymbolicLink(file).toString());
        }
        if (!a.isRegularFile()) {
            return null; // sockets, fifos, devices: the caller reports them
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
