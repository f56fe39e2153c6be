package dev.owui.backup.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.Sshd;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.store.sftp.SftpTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Target#exists()} on each kind of target, against the real thing (a directory, OpenSSH's
 * sftp-server, S3Proxy): what lets list, verify, restore and prune tell a mistyped target from an
 * empty one.
 */
class TargetExistsTest {
    @TempDir
    Path tmp;

    @Test
    void aLocalTargetExistsWhenItsDirectoryDoes() throws Exception {
        assertFalse(new LocalTarget(tmp.resolve("nas-typo"), "nas-typo", false).exists());
        Files.writeString(tmp.resolve("a-file"), "x");
        assertFalse(new LocalTarget(tmp.resolve("a-file"), "a-file", false).exists(), "a file is no target directory");
        assertTrue(new LocalTarget(Files.createDirectories(tmp.resolve("empty")), "empty", false).exists(), "empty is fine: no backups yet");
    }

    @Test
    void anSftpTargetExistsWhenItsDirectoryDoesOnTheServer() throws Exception {
        try (Sshd sshd = Sshd.start(tmp.resolve("sshd"))) {
            Path there = Files.createDirectories(tmp.resolve("remote/backups"));
            try (SftpTarget t = SftpTarget.open(sshd.url(there.toString()), sshd.options())) {
                assertTrue(t.exists());
            }
            try (SftpTarget t = SftpTarget.open(sshd.url(tmp.resolve("remote/backups-typo").toString()), sshd.options())) {
                assertFalse(t.exists());
            }
        }
    }

    @Test
    void anS3TargetExistsOnceAnObjectIsUnderItsPrefixAndAMissingBucketIsNamed() throws Exception {
        try (S3Server server = S3Server.start(tmp.resolve("s3"))) {
            try (Target root = Targets.open(server.spec("s3://backups"), S3Server.context())) {
                assertTrue(root.exists(), "a bucket's root exists with the bucket");
            }
            try (Target t = Targets.open(server.spec("s3://backups/owui"), S3Server.context())) {
                assertFalse(t.exists(), "S3 has no folders: an empty prefix is no target yet");
                t.writeDamageRecord("prod", "one.json", "{}".getBytes(StandardCharsets.UTF_8));
                assertTrue(t.exists());
            }
            try (Target t = Targets.open(server.spec("s3://backups/owui-typo"), S3Server.context())) {
                assertFalse(t.exists(), "a prefix that only starts like a real one");
            }
            try (Target t = Targets.open(server.spec("s3://no-such-bucket/owui"), S3Server.context())) {
                OwuiException e = assertThrows(OwuiException.class, t::exists);
                assertTrue(e.getMessage().contains("bucket no-such-bucket does not exist"), e.getMessage());
            }
        }
    }
}
