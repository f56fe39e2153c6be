package dev.owui.backup.store.sftp;

import static dev.owui.backup.TestSupport.inode;
import static dev.owui.backup.TestSupport.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.TestSupport;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.ssh.SshConnector;
import dev.owui.backup.ssh.SshSession;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.BackupWriter;
import dev.owui.backup.store.BackupWriter.Stored;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.LockInfo;
import dev.owui.backup.store.SourceVanishedException;
import dev.owui.backup.store.TargetLock;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SftpTarget against a real OpenSSH sshd on loopback: the server's files are this machine's, so tests look at them directly. */
class SftpTargetTest {
    static final String AWKWARD = "what?*[x] \\ it's \"quoted\" résumé 日本.txt";

    @TempDir
    Path tmp;
    Sshd sshd;
    Path root;
    SftpTarget target;

    @BeforeEach
    void start() throws Exception {
        sshd = Sshd.start(tmp.resolve("sshd"));
        root = Files.createDirectories(tmp.resolve("backups"));
        target = SftpTarget.open(sshd.url(root.toString()), sshd.options());
    }

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private Path source(String name, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Path p = tmp.resolve("src").resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, b);
    }

    private static Manifest manifest(String id, List<FileEntry> files) {
        long bytes = files.stream().mapToLong(FileEntry::size).sum();
        return new Manifest(Manifest.FORMAT, Manifest.FORMAT_VERSION, "test", "test", id, "here", "/data", "hot",
                Instant.parse("2026-11-26T07:48:02Z"), Instant.parse("2026-11-26T07:48:05Z"), null,
                new Manifest.Totals(files.size(), bytes, bytes, 0), files);
    }

    private static FileEntry entry(String path, Stored s, Instant mtime, String reusedFrom) {
        return new FileEntry(path, FileEntry.FILE, s.size(), s.sha256(), mtime, "rw-r-----", FileEntry.STORED_PLAIN, reusedFrom, null);
    }

    @Test
    void writesCommitsListsReadsAndSharesUnchangedFilesAsRealHardLinks() throws Exception {
        Instant mtime = Instant.parse("2026-11-20T10:01:02Z");
        Path a = source("a.bin", 700_000, 1);
        Path awkward = source("awkward.txt", 1000, 2);
        String id1 = "20261126T074802Z";
        String id2 = "20261126T074902Z";

        List<FileEntry> first = new ArrayList<>();
        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", id1)) {
            assertNull(lock.clearedStale());
            first.add(entry("uploads/a.bin", w.copy("uploads/a.bin", a, mtime, "rw-r-----"), mtime, null));
            first.add(entry("uploads/" + AWKWARD, w.copy("uploads/" + AWKWARD, awkward, mtime, "rw-r-----"), mtime, null));
            Path staged = w.stagingFile("webui.db");
            assertFalse(staged.startsWith(root), "staging is local, not on the server");
            Files.write(staged, "sqlite bytes".getBytes());
            w.putStaged("webui.db", staged, mtime, "rw-r--r--");
            assertFalse(Files.exists(staged), "the staged file is consumed");
            w.symlink("uploads/link", "a.bin");
            assertTrue(Files.isDirectory(root.resolve("test/." + id1 + ".partial")), "built under the hidden partial name");
            assertEquals(List.of(), target.backups("test"), "not a backup before its manifest is in");
            w.commit(manifest(id1, first));
        }
        assertFalse(Files.exists(root.resolve("test/.lock")), "the lock is released");
        Path b1 = root.resolve("test").resolve(id1);
        assertEquals(sha256(a), sha256(b1.resolve("uploads/a.bin")));
        assertEquals(sha256(awkward), sha256(b1.resolve("uploads/" + AWKWARD)), "glob characters in names are literal");
        assertEquals(sha256(a), first.get(0).sha256(), "hashed while uploading");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(b1.resolve("uploads/a.bin"))),
                "stored private whatever the source's mode (the manifest holds that)");
        assertEquals(mtime, Files.getLastModifiedTime(b1.resolve("uploads/a.bin")).toInstant());
        assertEquals("a.bin", Files.readSymbolicLink(b1.resolve("uploads/link")).toString());
        try (var s = Files.list(b1.resolve("uploads"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("owui-tmp")), "no temporary files are left");
        }

        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", id2)) {
            assertEquals(BackupWriter.Reuse.SHARED, w.reuse("uploads/a.bin", id1, -1), "OpenSSH offers hardlink@openssh.com");
            assertEquals(BackupWriter.Reuse.SHARED, w.reuse("uploads/" + AWKWARD, id1, -1));
            assertEquals(BackupWriter.Reuse.MISSING, w.reuse("uploads/gone.bin", id1, -1), "an earlier copy that is missing: store anew, not a refused link");
            w.commit(manifest(id2, List.of(first.get(0).reused(id1), first.get(1).reused(id1))));
        }
        Path b2 = root.resolve("test").resolve(id2);
        assertEquals(inode(b1.resolve("uploads/a.bin")), inode(b2.resolve("uploads/a.bin")), "the same inode on the server");
        assertEquals(2, Files.getAttribute(b2.resolve("uploads/a.bin"), "unix:nlink"));
        try (SshSession s = SshConnector.open(target.url(), sshd.options())) {
            String both = s.exec("stat -c %i " + b1.resolve("uploads/a.bin") + " " + b2.resolve("uploads/a.bin")).stdout();
            String[] inodes = both.trim().split("\n");
            assertEquals(inodes[0], inodes[1], "stat on the server agrees: " + both);
        }

        assertEquals(List.of(id1, id2), target.backups("test"), "oldest first");
        assertEquals(List.of("test"), target.instances());
        assertEquals(List.of(), target.incomplete("test"));
        Manifest m = target.manifest("test", id1);
        assertEquals(2, m.files().size());
        assertEquals(id1, target.summary("test", id1).backupId());
        assertTrue(target.summary("test", id1).files().isEmpty(), "the summary skips the file list");
        try (InputStream in = target.open("test", id2, "uploads/" + AWKWARD)) {
            assertArrayEquals(Files.readAllBytes(awkward), in.readAllBytes());
        }
        assertThrows(NoSuchFileException.class, () -> target.open("test", id1, "uploads/none").close());
        Path local = target.localFile("test", id1, "webui.db");
        assertEquals("sqlite bytes", Files.readString(local));
        OwuiException noSuch = assertThrows(OwuiException.class, () -> target.manifest("test", "20200101T000000Z"));
        assertTrue(noSuch.getMessage().contains("no backup 20200101T000000Z"), noSuch.getMessage());

        try (TargetLock lock = target.lock("test")) {
            target.delete("test", id1);
        }
        assertEquals(List.of(id2), target.backups("test"));
        assertFalse(Files.exists(b1));
        assertEquals(sha256(a), sha256(b2.resolve("uploads/a.bin")), "the shared file lives on in the other backup");
        target.close();
        assertFalse(Files.exists(local), "downloaded copies go with the target");
    }

    @Test
    void aWriterClosedWithoutCommitLeavesNothingThatLooksLikeABackup() throws Exception {
        Path a = source("a.bin", 10_000, 3);
        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", "20261126T080000Z")) {
            w.copy("uploads/a.bin", a, Instant.now(), "rw-r--r--");
            assertEquals(List.of("20261126T080000Z"), target.incomplete("test"));
        }
        assertEquals(List.of(), target.backups("test"));
        assertEquals(List.of(), target.incomplete("test"), "the partial tree is removed");
        try (var s = Files.list(root.resolve("test"))) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void aVanishedSourceIsReportedAsSuchAndARedoneCopyReplacesTheFirst() throws Exception {
        Path a = source("a.bin", 1000, 4);
        Path b = source("b.bin", 2000, 5);
        try (TargetLock lock = target.lock("test"); BackupWriter w = target.begin("test", "20261126T080000Z")) {
            assertThrows(SourceVanishedException.class, () -> w.copy("uploads/x", tmp.resolve("src/missing"), Instant.now(), null));
            w.copy("uploads/a.bin", a, Instant.now(), null);
            Stored again = w.copy("uploads/a.bin", b, Instant.now(), null);
            assertEquals(2000, again.size());
            assertEquals(sha256(b), sha256(root.resolve("test/.20261126T080000Z.partial/uploads/a.bin")));
        }
    }

    @Test
    void aHeldLockRefusesASecondWriterWithTheCommandToClearIt() throws Exception {
        try (TargetLock first = target.lock("test"); SftpTarget other = SftpTarget.open(sshd.url(root.toString()), sshd.options())) {
            OwuiException e = assertThrows(OwuiException.class, () -> other.lock("test"));
            String m = e.getMessage();
            assertTrue(m.contains("another owui run holds the lock"), m);
            assertTrue(m.contains("pid " + ProcessHandle.current().pid()), m);
            assertTrue(m.contains("ssh -p " + sshd.port() + " " + sshd.user() + "@127.0.0.1 \"rm '" + root.resolve("test/.lock") + "'\""), m);
            OwuiException local = assertThrows(OwuiException.class, () -> new LocalTarget(root, root.toString(), false).lock("test"),
                    "a local run on the server respects the same lock file");
            assertTrue(local.getMessage().contains("another owui run holds the lock"), local.getMessage());
            LockInfo holder = LockInfo.parse(Files.readAllBytes(root.resolve("test/.lock"))).orElseThrow();
            assertEquals(ProcessHandle.current().pid(), holder.pid(), "the lock file holds LockInfo JSON");
        }
        try (TargetLock again = target.lock("test")) {
            assertNull(again.clearedStale(), "released cleanly, nothing stale");
        }
        try (TargetLock heldLocally = new LocalTarget(root, root.toString(), false).lock("test")) {
            OwuiException e = assertThrows(OwuiException.class, () -> target.lock("test"));
            assertTrue(e.getMessage().contains("another owui run holds the lock"), e.getMessage());
        }
    }

    @Test
    void aLockLeftByADeadProcessOnThisHostIsClearedAndReported() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        LockInfo dead = new LockInfo(LockInfo.hostName(), gone.pid(), null, "2026-11-26T01:00:00Z", "owui-backup");
        Files.createDirectories(root.resolve("test"));
        Files.write(root.resolve("test/.lock"), dead.toJson());
        try (TargetLock lock = target.lock("test")) {
            assertNotNull(lock.clearedStale());
            assertTrue(lock.clearedStale().contains("pid " + gone.pid()), lock.clearedStale());
        }
        LockInfo elsewhere = new LockInfo("another-host", 1, null, "2026-11-26T01:00:00Z", "owui-backup");
        Files.write(root.resolve("test/.lock"), elsewhere.toJson());
        OwuiException e = assertThrows(OwuiException.class, () -> target.lock("test"));
        assertTrue(e.getMessage().contains("on another-host"), "never broken across hosts: " + e.getMessage());
    }

    @Test
    void aFullDiskOnTheServerIsNamedAsSuchAndLeavesNoPartialTree() throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting a small tmpfs needs root (CI runs as root)");
        Path mnt = Files.createDirectories(tmp.resolve("small"));
        TestSupport.sh("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString());
        try (SftpTarget small = SftpTarget.open(sshd.url(mnt.toString()), sshd.options())) {
            Path big = source("big.bin", 3 << 20, 6);
            OwuiException e;
            try (TargetLock lock = small.lock("test"); BackupWriter w = small.begin("test", "20261126T080000Z")) {
                e = assertThrows(OwuiException.class, () -> w.copy("uploads/big.bin", big, Instant.now(), null));
            }
            assertTrue(e.getMessage().contains("target " + small.location() + " is full"), e.getMessage());
            assertTrue(e.getMessage().contains("earlier backups are untouched"), e.getMessage());
            assertEquals(List.of(), small.incomplete("test"), "the partial tree is removed");
            assertEquals(List.of(), small.backups("test"));
        } finally {
            TestSupport.sh("umount", mnt.toString());
        }
    }

    @Test
    void aTargetFolderThatIsAFileOrUnwritableIsNamed() throws Exception {
        Files.writeString(tmp.resolve("a-file"), "x");
        try (SftpTarget bad = SftpTarget.open(sshd.url(tmp.resolve("a-file").toString()), sshd.options())) {
            OwuiException e = assertThrows(OwuiException.class, () -> bad.lock("test"));
            assertTrue(e.getMessage().contains(tmp.resolve("a-file").toString()), e.getMessage());
        }
    }
}
