package dev.owui.backup.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * What the tool writes is private to the user running it, restic's way: directories 0700, files
 * 0600, whatever the umask. Each is created with those permissions (the umask can only take bits
 * away, never add), then set explicitly, because a umask like 0277 would also take the owner's.
 * A filesystem without POSIX permissions (SMB, FAT) gets plain files: it has no modes to set.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final String FILE_MODE = "rw-------";

    private PrivateFiles() {
    }

    /** Like {@link Files#createDirectories}, each directory it creates 0700; existing ones are left as they are. */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            createDirectory(p);
        }
        return dir;
    }

    /** One directory, 0700; an existing directory is fine (another thread may have made it). */
    public static void createDirectory(Path dir) throws IOException {
        try {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
            } catch (UnsupportedOperationException noPosix) {
                Files.createDirectory(dir);
                return;
            }
            chmod(dir, DIR);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /** Opens a file for writing, created 0600 if it is new (an existing file is made 0600 too). */
    public static FileChannel openChannel(Path file, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new java.util.HashSet<>(java.util.List.of(options));
        opts.add(StandardOpenOption.WRITE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, opts, PosixFilePermissions.asFileAttribute(FILE));
        } catch (UnsupportedOperationException noPosix) {
            return FileChannel.open(file, opts);
        }
        try {
            chmod(file, FILE);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** {@link #openChannel} as a stream: a new or truncated private file. */
    public static OutputStream newOutputStream(Path file) throws IOException {
        return Channels.newOutputStream(openChannel(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** Sets a file's permissions to 0600; false on a filesystem without POSIX permissions. */
    public static boolean makePrivate(Path file) throws IOException {
        return chmod(file, FILE);
    }

    private static boolean chmod(Path p, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, perms);
            return true;
        } catch (UnsupportedOperationException noPosix) {
            return false;
        }
    }
}
