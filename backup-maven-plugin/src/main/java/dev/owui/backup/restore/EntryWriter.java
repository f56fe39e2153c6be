package dev.owui.backup.restore;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.StoredContent;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * Writes one file of a backup to a local path, decoded from whatever storage it has, checked
 * against the manifest's size and SHA-256, with the recorded mode and mtime: what both the whole
 * and the partial restore do for every file.
 */
final class EntryWriter {
    private EntryWriter() {
    }

    /** Writes {@code e} (a file, not a symbolic link) to {@code dest}; returns the bytes written. */
    static long write(Target target, String instance, Manifest m, FileEntry e, DecryptionKeys keys, Path dest, String where) throws IOException {
        return write(target, instance, m, e, keys, dest, where, UnaryOperator.identity());
    }

    /** The same, reading through {@code counted} (live progress counts the bytes as they pass). */
    static long write(Target target, String instance, Manifest m, FileEntry e, DecryptionKeys keys, Path dest, String where,
                      UnaryOperator<InputStream> counted) throws IOException {
        MessageDigest sha = Hashing.newSha256();
        long n;
        try (InputStream in = counted.apply(StoredContent.open(target, instance, m.backupId(), e, keys));
             OutputStream out = new DigestOutputStream(Files.newOutputStream(dest, RestoreTree.NEW_FILE), sha)) {
            n = in.transferTo(out);
        } catch (java.nio.file.FileAlreadyExistsException twice) {
            // CREATE_NEW: an entry never replaces, nor writes through, what an earlier entry restored there
            throw damaged(m, e, "is named twice in the backup (something is already restored at its place)", where);
        } catch (java.nio.file.NoSuchFileException missing) {
            throw damaged(m, e, "is missing from the backup" + (e.isStoredPlain() ? "" : " (stored as " + e.storedPath() + ")"), where);
        } catch (IOException unreadable) {
            if (e.isStoredPlain()) {
                throw unreadable;
            }
            throw damaged(m, e, "cannot be decoded: " + unreadable.getMessage(), where);
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (n != e.size() || !got.equals(e.sha256())) {
            throw damaged(m, e, "does not match its manifest (size " + n + " vs " + e.size() + ", SHA-256 " + got + " vs " + e.sha256() + ")", where);
        }
        if (e.mode() != null) {
            Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString(e.mode()));
        }
        Files.setLastModifiedTime(dest, FileTime.from(e.mtime()));
        return n;
    }

    private static OwuiException damaged(Manifest m, FileEntry e, String what, String where) {
        return new OwuiException("backup " + m.backupId() + " is damaged: " + e.path() + " " + what,
                "nothing was changed in " + where + "; run owui:verify, and restore another backup (owui:list)");
    }
}
