package dev.owui.backup.repo.store;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A store in a folder on a local or mounted disk: a key is a file under the root, its '/' are
 * folders. Files are 0600 and folders this store creates 0700 (a backup holds every user's
 * chats). A write goes to a temp file in the object's own folder, is fsynced, and is published
 * with {@code link(2)}, which fails when the name exists: an atomic no-replace, so no reader sees
 * a partial object and racing writers store the bytes once. The temp name is then removed and
 * the folder fsynced, so the new name survives a power loss.
 *
 * <p><b>Objects are published in batches.</b> An fsync per object made a first backup of 100,000
 * small uploads take over a minute, nearly all of it waiting for the disk's journal one commit at a
 * time. So a content-addressed object's key ({@code …/xy/<64 hex>}, see {@link #isObjectKey}) is
 * written to its temp file without an fsync and is named later, in a batch: its temp file is
 * fsynced (many at once, from several threads, so the journal commits them together), then
 * linked to its name, then the folders are fsynced. A batch is published when
 * {@value #BATCH} objects are pending, before any other write (a backup's head, a lock, a damage
 * record), before every other operation that could see the objects (list, read, link, delete,
 * removing temps) and on {@link #close()}. So the rule that makes a backup crash-safe still holds
 * (FORMAT.md, "Order of writes and crash safety"): an object's name exists only once its bytes are
 * durable, and the head that names it is written after. Meanwhile {@link #stat} reports a pending
 * object as present, so the same content is not written twice. A crash leaves only temp files,
 * which prune removes as before.
 */
public final class LocalObjectStore implements ObjectStore {
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(FILE_MODE);
    private static final FileAttribute<Set<PosixFilePermission>> DIR = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path root;
    private final KeyLocks keyLocks = new KeyLocks();
    /** Set once the filesystem refused a hard link (FAT, some SMB and FUSE mounts): writes then rename. */
    private volatile boolean linksRefused;
    /** Objects written to their temp file and not yet named: key → temp file. */
    private final Map<String, Path> pending = new ConcurrentHashMap<>();
    /** Objects pending at which a batch is published; bounds the memory and the work a close may do. */
    static final int BATCH = 4096;
    /** Threads that fsync a batch's files at once: the disk sees them together and commits its journal for many. */
    private static final int SYNC_THREADS = 16;

    public LocalObjectStore(Path root) {
        this(root, false);
    }

    /** With {@code linksRefused}, as on a filesystem without hard links (tests run the fallback on any disk). */
    LocalObjectStore(Path root, boolean linksRefused) {
        this.root = root.toAbsolutePath().normalize();
        this.linksRefused = linksRefused;
    }

    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    private Path file(String key) {
        return root.resolve(Keys.check(key));
    }

    @Override
    public void list(String prefix, Consumer<StoreStat> each) {
        Keys.checkPrefix(prefix);
        publishPending();
        int slash = prefix.lastIndexOf('/');
        try {
            walk(slash < 0 ? "" : prefix.substring(0, slash), prefix.substring(slash + 1), each);
        } catch (IOException e) {
            throw failure("listing " + prefix, e);
        }
    }

    /** One folder's entries in key order (a folder sorts as its name plus '/'), files reported, folders walked. */
    private void walk(String dirKey, String namePrefix, Consumer<StoreStat> each) throws IOException {
        Path dir = dirKey.isEmpty() ? root : root.resolve(dirKey);
        record Found(String sortKey, String name, BasicFileAttributes attrs) {
        }
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (Keys.isTemp(name) || !Keys.isComponent(name) || !name.startsWith(namePrefix)) {
                    continue; // temps of writes in progress, and whatever is not ours
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue; // deleted while we listed
                }
                if (a.isDirectory()) {
                    found.add(new Found(name + "/", name, a));
                } else if (a.isRegularFile()) {
                    found.add(new Found(name, name, a));
                }
            }
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return;
        }
        found.sort(Comparator.comparing(Found::sortKey));
        String base = dirKey.isEmpty() ? "" : dirKey + "/";
        for (Found f : found) {
            if (f.attrs().isDirectory()) {
                walk(base + f.name(), "", each);
            } else {
                each.accept(new StoreStat(base + f.name(), f.attrs().size(), f.attrs().lastModifiedTime().toInstant()));
            }
        }
    }

    @Override
    public Optional<StoreStat> stat(String key) {
        Path f = file(key);
        Path temp = pending.get(key);
        if (temp != null) {
            f = temp; // written, to be named with its batch: present for every purpose but a read, which publishes first
        }
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Optional.of(new StoreStat(key, a.size(), a.lastModifiedTime().toInstant())) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("reading the attributes of " + key, e);
        }
    }

    @Override
    public InputStream read(String key) {
        publishPending(key);
        try {
            return Files.newInputStream(file(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(location(), key);
        } catch (IOException e) {
            throw failure("reading " + key, e);
        }
    }

    @Override
    public InputStream read(String key, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
        }
        publishPending(key);
        FileChannel ch;
        try {
            ch = FileChannel.open(file(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(location(), key);
        } catch (IOException e) {
            throw failure("reading " + key, e);
        }
        try {
            ch.position(offset); // past the end reads nothing
            return new BoundedInputStream(Channels.newInputStream(ch), length);
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the failure below is what matters
            }
            throw failure("reading " + key, e);
        }
    }

    @Override
    public boolean writeIfAbsent(String key, Path source) {
        return write(key, out -> {
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
                long size = in.size();
                long done = 0;
                while (done < size) {
                    long n = out.transferFrom(in, done, size - done);
                    if (n <= 0) {
                        break; // the source shrank while we copied; what was read is stored
                    }
                    done += n;
                }
            } catch (NoSuchFileException e) {
                throw new OwuiException("cannot store " + key + ": its source " + source + " does not exist", "this is a bug: report it", e);
            }
        });
    }

    @Override
    public boolean writeIfAbsent(String key, byte[] bytes) {
        return write(key, out -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                out.write(b);
            }
        });
    }

    private interface Fill {
        void into(FileChannel out) throws IOException;
    }

    private boolean write(String key, Fill fill) {
        Path target = file(key);
        boolean batched = isObjectKey(key);
        if (batched) {
            if (pending.containsKey(key)) {
                return false; // the same content, written by another thread of this run: it is named with its batch
            }
        } else {
            publishPending(); // a head (or lock, or record) is written only after the objects written before it are named and durable
        }
        Path dir = target.getParent();
        Path temp = dir.resolve(Keys.tempName(target.getFileName().toString()));
        boolean keepTemp = false;
        try {
            Files.createDirectories(dir, DIR);
            try (FileChannel out = FileChannel.open(temp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE)) {
                fill.into(out);
                if (!batched) {
                    out.force(true); // the bytes are on disk before any name points at them
                }
            }
            if (batched) {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) || pending.putIfAbsent(key, temp) != null) {
                    return false;
                }
                keepTemp = true;
                if (pending.size() >= BATCH) {
                    publishPending();
                }
                return true;
            }
            return publish(key, temp, target, true);
        } catch (IOException e) {
            throw failure("writing " + key, e);
        } finally {
            if (!keepTemp) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover temp is never listed; removeStaleTemps collects it
                }
            }
        }
    }

    /**
     * Whether {@code key} names a content-addressed object ({@code …xy/xy…}, 64 lower-case hex
     * digits under a folder of its first two): written once and never changed, so it may wait
     * for its batch to be named (see the class comment).
     */
    static boolean isObjectKey(String key) {
        int slash = key.lastIndexOf('/');
        if (slash < 2 || key.length() - slash - 1 != 64 || key.charAt(slash - 3) != '/' && slash != 2) {
            return false;
        }
        for (int i = slash + 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return key.regionMatches(slash - 2, key, slash + 1, 2);
    }

    /** Names {@code key} now if it is pending (so what follows can read it). */
    private void publishPending(String key) {
        if (pending.containsKey(key)) {
            publishPending();
        }
    }

    /**
     * Publishes every pending object: fsyncs their temp files (from several threads at once),
     * names them, fsyncs their folders, removes the temp names. Objects written meanwhile by other
     * threads wait for the next batch.
     */
    private synchronized void publishPending() {
        if (pending.isEmpty()) {
            return;
        }
        List<Map.Entry<String, Path>> batch = new ArrayList<>(pending.entrySet());
        int threads = Math.min(SYNC_THREADS, (batch.size() + 63) / 64);
        try {
            if (threads <= 1) {
                for (Map.Entry<String, Path> e : batch) {
                    force(e.getValue());
                }
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "owui-fsync");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<?>> done = new ArrayList<>();
                    for (Map.Entry<String, Path> e : batch) {
                        done.add(pool.submit(() -> {
                            force(e.getValue());
                            return null;
                        }));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            Set<Path> dirs = new HashSet<>();
            for (Map.Entry<String, Path> e : batch) {
                Path target = file(e.getKey());
                publish(e.getKey(), e.getValue(), target, false);
                dirs.add(target.getParent());
            }
            for (Path d : dirs) {
                syncDirectory(d);
            }
        } catch (IOException e) {
            throw failure("storing " + batch.size() + " objects", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UncheckedIOException u ? failure("storing " + batch.size() + " objects", u.getCause())
                    : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("interrupted while storing objects in " + root, "run the backup again", e);
        } finally {
            for (Map.Entry<String, Path> e : batch) {
                pending.remove(e.getKey(), e.getValue());
                try {
                    Files.deleteIfExists(e.getValue());
                } catch (IOException ignored) {
                    // a leftover temp is never listed; removeStaleTemps collects it
                }
            }
        }
    }

    private static void force(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives the finished temp file its key's name, unless that name exists; {@code syncDir}: fsync its folder now. */
    private boolean publish(String key, Path temp, Path target, boolean syncDir) throws IOException {
        if (!linksRefused) {
            try {
                Files.createLink(target, temp); // link(2): EEXIST if the key exists, atomically
                if (syncDir) {
                    syncDirectory(target.getParent());
                }
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (IOException | UnsupportedOperationException e) {
                if (!(e instanceof UnsupportedOperationException) && !isLinkRefused((IOException) e)) {
                    throw e;
                }
                linksRefused = true;
            }
        }
        // No hard links here. rename(2) replaces an existing name, so absence is checked first:
        // check-then-rename is not atomic against another process, but that is safe enough for
        // the repository: its writers hold the exclusive lock (so no other process writes at
        // once), threads of this process are serialized per key below, and every key is either
        // content-addressed (a second write would put the same bytes) or unique (heads, locks).
        ReentrantLock lock = keyLocks.of(key);
        lock.lock();
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            if (syncDir) {
                syncDirectory(target.getParent());
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the filesystem refused a hard link as such (not: the name exists, or no permission). */
    static boolean isLinkRefused(IOException e) {
        if (!(e instanceof FileSystemException fse) || e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
            return false;
        }
        String r = String.valueOf(fse.getReason());
        return r.contains("Operation not supported") || r.contains("Operation not permitted") || r.contains("not supported");
    }

    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // SMB and some FUSE mounts refuse fsync on folders; the link or rename is still atomic
        }
    }

    @Override
    public void delete(String key) {
        publishPending(key);
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw failure("removing " + key, e);
        }
    }

    @Override
    public Optional<HardLinks> hardLinks() {
        return linksRefused ? Optional.empty() : Optional.of(this::link);
    }

    /** Folders and files of browsable trees: any local disk has them (without hard links, a tree copies instead). */
    @Override
    public Optional<TreeFiles> treeFiles() {
        return Optional.of(new LocalTreeFiles(root));
    }

    private boolean link(String fromKey, String toPath) {
        publishPending(fromKey);
        Path from = file(fromKey);
        Path to = root.resolve(Keys.checkTreePath(toPath));
        try {
            if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchObjectException(location(), fromKey);
            }
            Files.createDirectories(to.getParent(), DIR);
            Files.createLink(to, from);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw failure("linking " + toPath + " to " + fromKey, e);
        }
    }

    @Override
    public int removeStaleTemps(String prefix, Duration olderThan) {
        Keys.checkPrefix(prefix);
        publishPending(); // its temp files are not stale
        Instant cutoff = olderThan.isZero() ? null : Instant.now().minus(olderThan); // null: every temp
        int slash = prefix.lastIndexOf('/');
        String dirKey = slash < 0 ? "" : prefix.substring(0, slash);
        try {
            return removeTemps(dirKey.isEmpty() ? root : root.resolve(dirKey), prefix.substring(slash + 1), cutoff);
        } catch (IOException e) {
            throw failure("removing stale temp files under " + (prefix.isEmpty() ? "the root" : prefix), e);
        }
    }

    private int removeTemps(Path dir, String namePrefix, Instant cutoff) throws IOException {
        int removed = 0;
        List<Path> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!name.startsWith(namePrefix)) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (Keys.isTemp(name) && a.isRegularFile()) {
                    if ((cutoff == null || a.lastModifiedTime().toInstant().isBefore(cutoff)) && Files.deleteIfExists(p)) {
                        removed++;
                    }
                } else if (a.isDirectory() && Keys.isComponent(name)) {
                    subdirs.add(p);
                }
            }
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return 0;
        }
        for (Path d : subdirs) {
            removed += removeTemps(d, "", cutoff);
        }
        return removed;
    }

    private OwuiException failure(String doing, IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : String.valueOf(e.getMessage());
        if (e instanceof AccessDeniedException) {
            return new OwuiException("the store at " + root + " refused " + doing + ": permission denied (" + e.getMessage() + ")",
                    "give the user running the backup write access to " + root, e);
        }
        return new OwuiException("the store at " + root + " failed " + doing + ": " + reason,
                "check the disk (free space, mount, errors in the kernel log); earlier backups are untouched", e);
    }

    /** Publishes the pending objects (a run that ends without a head leaves them as unreferenced objects, named and durable). */
    @Override
    public void close() {
        publishPending();
    }
}
