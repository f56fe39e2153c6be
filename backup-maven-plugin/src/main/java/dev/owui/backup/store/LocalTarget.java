package dev.owui.backup.store;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.BackupId;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.format.ManifestCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A target on a local or mounted filesystem (a disk, a NAS over NFS or SMB). Unchanged files are
 * hard links to the previous backup, so each backup is a full tree that costs only what changed.
 */
public final class LocalTarget implements Target {
    static final String LOCK_FILE = ".lock";

    private final Path root;
    private final String location;
    private final boolean sync;
    private final Linker linker;

    /** How a file is linked; a seam so tests can stand in a filesystem that refuses links (EMLINK). */
    @FunctionalInterface
    public interface Linker {
        void link(Path newLink, Path existing) throws IOException;
    }

    public LocalTarget(Path root, String location, boolean sync) {
        this(root, location, sync, Files::createLink);
    }

    public LocalTarget(Path root, String location, boolean sync, Linker linker) {
        this.root = root.toAbsolutePath().normalize();
        this.location = location;
        this.sync = sync;
        this.linker = linker;
    }

    public Path root() {
        return root;
    }

    @Override
    public Optional<Path> localRoot() {
        return Optional.of(root);
    }

    Path instanceDir(String instance) {
        return root.resolve(instance);
    }

    Path backupDir(String instance, String id) {
        return instanceDir(instance).resolve(id);
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public boolean exists() {
        return Files.isDirectory(root);
    }

    @Override
    public List<String> instances() {
        List<String> out = new ArrayList<>();
        for (Path p : children(root)) {
            String name = p.getFileName().toString();
            if (!name.startsWith(".")) {
                out.add(name);
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public List<String> backups(String instance) {
        List<String> ids = new ArrayList<>();
        for (Path p : children(instanceDir(instance))) {
            String name = p.getFileName().toString();
            if (BackupId.isValid(name) && Files.isRegularFile(p.resolve(Manifest.FILE_NAME))) {
                ids.add(name);
            }
        }
        ids.sort(BackupId::compare);
        return ids;
    }

    @Override
    public List<String> format3Ids(String instance) {
        Path dir = instanceDir(instance).resolve("backups"); // repo.backup.Backups.DIR
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).filter(BackupId::isValid).toList();
        } catch (IOException e) {
            throw new OwuiException("cannot list " + dir + ": " + e.getMessage(), "check the target's permissions", e);
        }
    }

    @Override
    public List<String> incomplete(String instance) {
        List<String> out = new ArrayList<>();
        for (Path p : children(instanceDir(instance))) {
            String name = p.getFileName().toString();
            if (TreeNames.isPartial(name)) {
                out.add(TreeNames.ofPartial(name));
            } else if (BackupId.isValid(name) && !Files.exists(p.resolve(Manifest.FILE_NAME))) {
                out.add(name);
            }
        }
        out.sort(null);
        return out;
    }

    private List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new OwuiException("cannot list " + dir + ": " + e.getMessage(), "check the target's permissions", e);
        }
    }

    @Override
    public Manifest manifest(String instance, String backupId) {
        return readManifest(instance, backupId, false);
    }

    @Override
    public Manifest summary(String instance, String backupId) {
        return readManifest(instance, backupId, true);
    }

    private Manifest readManifest(String instance, String backupId, boolean headerOnly) {
        Path m = backupDir(instance, backupId).resolve(Manifest.FILE_NAME);
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(m))) {
            return headerOnly ? ManifestCodec.readSummary(in, m.toString()) : ManifestCodec.read(in, m.toString());
        } catch (NoSuchFileException e) {
            throw new OwuiException("no backup " + backupId + " of instance " + instance + " at " + location,
                    "run owui:list to see the backups there");
        } catch (IOException e) {
            throw new OwuiException("cannot read " + m + ": " + e.getMessage(), "check the target's permissions", e);
        }
    }

    @Override
    public InputStream open(String instance, String backupId, String path) throws IOException {
        return Files.newInputStream(localFile(instance, backupId, path));
    }

    @Override
    public Path localFile(String instance, String backupId, String path) {
        return backupDir(instance, backupId).resolve(path);
    }

    @Override
    public TargetLock lock(String instance) {
        Path dir = instanceDir(instance);
        createDirectories(dir);
        return LocalLock.acquire(dir.resolve(LOCK_FILE));
    }

    @Override
    public BackupWriter begin(String instance, String backupId) {
        Path partial = instanceDir(instance).resolve(TreeNames.partial(backupId));
        removeTree(partial); // a leftover of a crashed run: we hold the lock, so nobody else writes it
        createDirectories(partial);
        return new LocalBackupWriter(this, instance, backupId, partial, sync, linker);
    }

    @Override
    public Optional<String> delete(String instance, String backupId) {
        if (!BackupId.isValid(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + backupId);
        }
        Path dir = backupDir(instance, backupId);
        // Hide it first (one rename), so a crash halfway through leaves a partial tree, never a
        // complete-looking backup with files missing.
        Path doomed = instanceDir(instance).resolve(TreeNames.deleting(backupId));
        try {
            Files.move(dir, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw OwuiIo.targetFailure(location, dir, e);
        }
        // From here the backup no longer counts: what cannot be removed is a leftover like any other.
        try {
            deleteTree(doomed);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(Cleanup.leftover(doomed.toString(), "cannot remove " + e.getMessage()));
        }
    }

    /**
     * Walks the backups' trees and counts each stored file once per inode: it is freed when all its
     * links ({@code unix:nlink}) lie inside these backups, since every link to a stored file is a
     * backup's own (a tree under the instance folder).
     */
    @Override
    public java.util.OptionalLong freedBy(String instance, java.util.Collection<String> backupIds) {
        java.util.Map<Object, long[]> inodes = new java.util.HashMap<>(); // fileKey -> {links seen, nlink, size}
        for (String id : backupIds) {
            Path dir = backupDir(instance, id);
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    java.util.Map<String, Object> a = Files.readAttributes(f, "unix:nlink,size,fileKey,isRegularFile", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (Boolean.TRUE.equals(a.get("isRegularFile"))) {
                        long[] e = inodes.computeIfAbsent(a.get("fileKey"),
                                k -> new long[] {0, ((Number) a.get("nlink")).longValue(), ((Number) a.get("size")).longValue()});
                        e[0]++;
                    }
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return java.util.OptionalLong.empty(); // not a POSIX file system, or unreadable: say nothing rather than guess
            }
        }
        long freed = 0;
        for (long[] e : inodes.values()) {
            if (e[0] >= e[1]) {
                freed += e[2];
            }
        }
        return java.util.OptionalLong.of(freed);
    }

    @Override
    public Cleanup removeIncomplete(String instance) {
        List<String> removed = new ArrayList<>();
        List<String> left = new ArrayList<>();
        // children() still fails on an unreadable instance folder: it is the listing backups() needs too.
        for (Path p : children(instanceDir(instance))) {
            String name = p.getFileName().toString();
            if (TreeNames.isPartial(name)) {
                try {
                    deleteTree(p);
                    removed.add(name);
                } catch (IOException e) {
                    left.add(Cleanup.leftover(p.toString(), "cannot remove " + e.getMessage()));
                }
            }
        }
        return new Cleanup(removed, left);
    }

    @Override
    public void writeDamageRecord(String instance, String name, byte[] json) {
        Path dir = instanceDir(instance).resolve(dev.owui.backup.format.DamageRecord.DIR);
        createDirectories(dir);
        Path file = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            // Created private, so the paths it names (upload names) are never readable by others, not even briefly.
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))) {
                ch.write(java.nio.ByteBuffer.wrap(json));
                if (sync) {
                    ch.force(true);
                }
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(dir);
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a hidden leftover; readers skip names starting with a dot
            }
            throw e instanceof IOException io ? OwuiIo.targetFailure(location, file, io)
                    : new OwuiException("cannot write " + file + " privately: the filesystem has no POSIX permissions", "choose a POSIX filesystem as target", e);
        }
    }

    @Override
    public java.util.Map<String, byte[]> damageRecords(String instance) {
        Path dir = instanceDir(instance).resolve(dev.owui.backup.format.DamageRecord.DIR);
        java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && name.endsWith(".json") && Files.isRegularFile(p)) {
                    try {
                        out.put(name, Files.readAllBytes(p));
                    } catch (NoSuchFileException gone) {
                        // consumed meanwhile by another run (it stored the content anew): nothing to honour
                    }
                }
            }
        } catch (IOException e) {
            throw new OwuiException("cannot read the damage records in " + dir + ": " + e.getMessage(), "check the target's permissions", e);
        }
        return out;
    }

    @Override
    public void removeDamageRecord(String instance, String name) {
        Path file = instanceDir(instance).resolve(dev.owui.backup.format.DamageRecord.DIR).resolve(name);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw OwuiIo.targetFailure(location, file, e);
        }
    }

    void createDirectories(Path dir) {
        try {
            PrivateFiles.createDirectories(dir); // 0700: the target holds upload names and contents
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            throw new OwuiException("cannot create " + dir + " at target " + location + ": a file is in the way (" + e.getFile() + ")",
                    "choose a target directory, not a file");
        } catch (AccessDeniedException e) {
            throw new OwuiException("target " + location + " is not writable (" + e.getFile() + ")",
                    "give the user running the backup write access, or choose another owui.target");
        } catch (IOException e) {
            if (e instanceof FileSystemException fse && "Not a directory".equals(fse.getReason())) {
                throw new OwuiException("cannot create " + dir + " at target " + location + ": a file is in the way",
                        "choose a target directory, not a file");
            }
            throw OwuiIo.targetFailure(location, dir, e);
        }
    }

    static void removeTree(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new OwuiException("cannot remove " + dir + ": " + e.getMessage(), "remove it by hand; it is not a complete backup", e);
        }
    }

    /** Deletes a tree, deepest first; the exception names the path that could not go. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // a folder in the tree that cannot be read
        }
    }

    static void writeAtomically(Path file, byte[] content, boolean sync) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var ch = PrivateFiles.openChannel(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            if (sync) {
                ch.force(true);
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** fsync of a directory, so a rename in it survives a power cut. Not every filesystem allows it. */
    static void syncDirectory(Path dir) {
        try (var ch = java.nio.channels.FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // SMB and some FUSE mounts refuse fsync on directories; the rename is still atomic
        }
    }

    /** Whether an exception is the filesystem refusing a hard link rather than a real failure. */
    static boolean isLinkRefused(IOException e) {
        if (!(e instanceof FileSystemException fse) || e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
            return false;
        }
        String r = String.valueOf(fse.getReason());
        return r.contains("Too many links") || r.contains("Operation not supported") || r.contains("Operation not permitted")
                || r.contains("Invalid cross-device link") || r.contains("not supported");
    }
}
