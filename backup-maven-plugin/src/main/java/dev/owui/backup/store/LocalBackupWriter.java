package dev.owui.backup.store;

import dev.owui.backup.OwuiException;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.format.ManifestCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Writes a backup into a hidden partial directory ({@code .<id>.partial}) and renames it to its id
 * once the manifest is in, so a crash at any point leaves nothing that looks like a backup.
 * Stored files are never modified after they are written: they may be shared (hard-linked) by
 * later backups.
 */
final class LocalBackupWriter implements BackupWriter {

    private final LocalTarget target;
    private final String instance;
    private final String backupId;
    private final Path partial;
    private final boolean sync;
    private final LocalTarget.Linker linker;
    private final ConcurrentHashMap<Path, Boolean> madeDirs = new ConcurrentHashMap<>();
    /** Files this run wrote (not linked), made durable together at commit. */
    private final Queue<Path> written = new ConcurrentLinkedQueue<>();
    private volatile boolean committed;

    LocalBackupWriter(LocalTarget target, String instance, String backupId, Path partial, boolean sync, LocalTarget.Linker linker) {
        this.target = target;
        this.instance = instance;
        this.backupId = backupId;
        this.partial = partial;
        this.sync = sync;
        this.linker = linker;
    }

    private Path dest(String path) {
        Path p = partial.resolve(path).normalize();
        if (!p.startsWith(partial)) {
            throw new IllegalArgumentException("path escapes the backup tree: " + path);
        }
        Path parent = p.getParent();
        // computeIfAbsent blocks other threads wanting the same folder until it exists.
        madeDirs.computeIfAbsent(parent, dir -> {
            target.createDirectories(dir);
            return Boolean.TRUE;
        });
        return p;
    }

    @Override
    public Path stagingFile(String path) {
        Path d = dest(path);
        return d.resolveSibling("." + d.getFileName() + ".owui-tmp");
    }

    @Override
    public void putStaged(String path, Path staged, Instant mtime, String mode, LongConsumer moved) {
        Path d = dest(path); // a rename: no bytes move, so nothing is counted
        try {
            Files.move(staged, d, StandardCopyOption.ATOMIC_MOVE);
            written.add(d);
            finish(d, mtime, mode);
        } catch (IOException e) {
            throw OwuiIo.targetFailure(target.location(), d, e);
        }
    }

    @Override
    public boolean putStagedMovesBytes() {
        return false;
    }

    @Override
    public Stored copy(String path, Path source, Instant mtime, String mode, LongConsumer moved) {
        Path d = dest(path);
        MessageDigest sha = Hashing.newSha256();
        long size = 0;
        byte[] arr = Hashing.buffer();
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             // Truncate, not create-new: a copy redone because the source changed under it replaces
             // the first attempt. Nothing else can sit at d: reused files are linked at their own paths.
             FileChannel out = PrivateFiles.openChannel(d, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(arr);
            int n;
            while ((n = in.read(buf.clear())) > 0) {
                sha.update(arr, 0, n);
                buf.flip();
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                size += n;
                moved.accept(n);
            }
        } catch (NoSuchFileException e) {
            if (e.getFile() != null && e.getFile().equals(source.toString())) {
                throw new SourceVanishedException(path);
            }
            throw OwuiIo.targetFailure(target.location(), d, e);
        } catch (IOException e) {
            if (isSourceProblem(e, source)) {
                throw new OwuiException("cannot read " + source + ": " + e.getMessage(), "run the backup as a user that can read the data directory", e);
            }
            throw OwuiIo.targetFailure(target.location(), d, e);
        }
        finish(d, mtime, mode);
        written.add(d);
        return new Stored(size, HexFormat.of().formatHex(sha.digest()));
    }

    private static boolean isSourceProblem(IOException e, Path source) {
        return e instanceof java.nio.file.FileSystemException fse && source.toString().equals(fse.getFile());
    }

    @Override
    public Reuse reuse(String path, String fromBackupId, long storedSize) {
        Path existing = target.backupDir(instance, fromBackupId).resolve(path);
        Path d = dest(path);
        try {
            if (storedSize >= 0 && Files.size(existing) != storedSize) {
                return Reuse.WRONG_SIZE; // a link would carry the damage into this backup
            }
            linker.link(d, existing);
            return Reuse.SHARED;
        } catch (UnsupportedOperationException e) {
            return Reuse.REFUSED;
        } catch (IOException e) {
            if (e instanceof NoSuchFileException) {
                return Reuse.MISSING; // the earlier copy is gone (damaged or removed by hand), which is no refused link
            }
            if (LocalTarget.isLinkRefused(e)) {
                return Reuse.REFUSED;
            }
            throw OwuiIo.targetFailure(target.location(), d, e);
        }
    }

    @Override
    public void directory(String path) {
        Path d = partial.resolve(path).normalize();
        if (!d.startsWith(partial) || d.equals(partial)) {
            throw new IllegalArgumentException("path escapes the backup tree: " + path);
        }
        madeDirs.computeIfAbsent(d, dir -> {
            target.createDirectories(dir);
            return Boolean.TRUE;
        });
    }

    @Override
    public void symlink(String path, String linkTarget) {
        Path d = dest(path);
        try {
            Files.createSymbolicLink(d, Path.of(linkTarget));
        } catch (IOException | UnsupportedOperationException e) {
            // Some NAS mounts (SMB) have no symlinks; the manifest still records the link for restore.
        }
    }

    @Override
    public void commit(Manifest manifest) {
        Path finalDir = target.backupDir(instance, backupId);
        try {
            if (sync) {
                Durability.flush(partial, written, madeDirs.keySet());
            }
            LocalTarget.writeAtomically(partial.resolve(Manifest.FILE_NAME), ManifestCodec.write(manifest), sync);
            LocalTarget.syncDirectory(partial);
            Files.move(partial, finalDir, StandardCopyOption.ATOMIC_MOVE);
            LocalTarget.syncDirectory(finalDir.getParent());
            committed = true;
        } catch (FileAlreadyExistsException e) {
            throw new OwuiException("a backup " + backupId + " already exists at " + target.location(), "retry in a second");
        } catch (IOException e) {
            throw OwuiIo.targetFailure(target.location(), finalDir, e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            LocalTarget.removeTree(partial);
        }
    }

    /**
     * A stored file is 0600 whatever the source's mode (which the manifest records and restore puts
     * back): the tree holds upload names and contents. Its mtime is the source's, as a courtesy.
     */
    private void finish(Path d, Instant mtime, String mode) {
        try {
            PrivateFiles.makePrivate(d);
        } catch (IOException e) {
            throw OwuiIo.targetFailure(target.location(), d, e);
        }
        try {
            Files.setLastModifiedTime(d, FileTime.from(mtime));
        } catch (IOException | UnsupportedOperationException ignored) {
            // the manifest records the time, which restore uses; the tree's own is a courtesy
        }
    }
}
