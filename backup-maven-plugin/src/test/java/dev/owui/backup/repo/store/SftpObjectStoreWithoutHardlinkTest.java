package dev.owui.backup.repo.store;

/**
 * The contract over SFTP as to a server without hardlink@openssh.com: writes publish by rename.
 * OpenSSH offers posix-rename@openssh.com, which JSch then uses for every rename and which
 * replaces, so this runs the absence check before the rename, racing threads serialized per key.
 */
class SftpObjectStoreWithoutHardlinkTest extends SftpObjectStoreTest {
    @Override
    boolean hasHardLinks() {
        return false;
    }
}
