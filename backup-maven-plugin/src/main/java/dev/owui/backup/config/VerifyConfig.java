package dev.owui.backup.config;

import dev.owui.backup.repo.restore.ReadData;

/**
 * owui:verify's configuration.
 *
 * @param targets  where: owui.target, or each target of owui.plan
 * @param backupId an id, {@code all}, or null for the newest
 * @param readData which stored objects of format 3 backups are read back
 */
public record VerifyConfig(TargetChoice targets, String backupId, ReadData readData) {

    /** Parses owui.readData: a typo fails here, before any target is read. */
    public static VerifyConfig of(TargetChoice targets, String backupId, String readData) {
        return new VerifyConfig(targets, backupId, ReadData.parse(readData, null));
    }
}
