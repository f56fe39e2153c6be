package dev.owui.backup.repo.store;

import dev.owui.backup.OwuiException;
import dev.owui.backup.store.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link TreeFiles} in a {@link LocalObjectStore}'s folder. */
final class LocalTreeFiles implements TreeFiles {
    private final Path root;

    LocalTreeFiles(Path root) {
        this.root = root;
    }

    private Path at(String path) {
        return root.resolve(Keys.checkTreePath(path));
    }

    @Override
    public void mkdirs(String dir) {
        try {
            PrivateFiles.createDirectories(at(dir));
        } catch (IOException e) {
            throw failure("creating the folder " + dir, e);
        }
    }

    @Override
    public void write(String path, InputStream in) {
        try (OutputStream out = PrivateFiles.newOutputStream(at(path))) {
            in.transferTo(out);
        } catch (IOException e) {
            throw failure("writing " + path, e);
        }
    }

    @Override
    public void put(String path, Path local) {
        Path to = at(path);
        try {
            // A rename when the scratch folder is on the same disk; a copy otherwise (then the source goes).
            Files.move(local, to, StandardCopyOption.REPLACE_EXISTING);
            PrivateFiles.makePrivate(to);
        } catch (IOException e) {
            throw failure("writing " + path, e);
        }
    }

    @Override
    public void symlink(String path, String target) {
        try {
            Files.createSymbolicLink(at(path), Path.of(target));
        } catch (IOException e) {
            throw failure("creating the symbolic link " + path, e);
        }
    }

    @Override
    public void setMtime(String path, Instant mtime) {
        try {
            Files.getFileAttributeView(at(path), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(mtime), null, null);
        } catch (IOException e) {
            throw failure("setting the time of " + path, e);
        }
    }

    @Override
    public void rename(String from, String to) {
        Path target = at(to);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new OwuiException("cannot rename " + from + " to " + to + " at " + root + ": " + to + " exists",
                    "this is a bug: report it");
        }
        try {
            Files.move(at(from), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failure("renaming " + from + " to " + to, e);
        }
    }

    @Override
    public List<String> list(String dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(at(dir))) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
            return List.of();
        } catch (IOException e) {
            throw failure("listing " + dir, e);
        }
        return names;
    }

    @Override
    public void removeTree(String path) {
        try {
            remove(at(path));
        } catch (IOException e) {
            throw failure("removing " + path, e);
        }
    }

    /** Depth first, never through a symbolic link (a tree's link may point anywhere). */
    private static void remove(Path p) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return;
        }
        if (a.isDirectory()) {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                s.forEach(children::add);
            }
            for (Path c : children) {
                remove(c);
            }
        }
        Files.deleteIfExists(p);
    }

    private OwuiException failure(String doing, IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : String.valueOf(e.getMessage());
        if (e instanceof AccessDeniedException) {
            return new OwuiException("the store at " + root + " refused " + doing + ": permission denied (" + e.getMessage() + ")",
                    "give the user running the snapshot write access to " + root, e);
        }
        return new OwuiException("the store at " + root + " failed " + doing + ": " + reason,
                "check the disk (free space, mount, errors in the kernel log); the backups are untouched", e);
    }
}
