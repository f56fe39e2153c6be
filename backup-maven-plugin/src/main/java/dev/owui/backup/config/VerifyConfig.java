package dev.owui.backup.config;

import dev.owui.backup.repo.restore.ReadData;

/**
 * owui:verify's configuration.
 *
 * @param targets  where: owui.target, or each target of owui.plan
 * @param backupId an id, {@code all}, or null for the newest
 * @param readData which stored objects of format 3 backups are read back
 * @param postgres the server whose scratch database takes each PostgreSQL dump for a check (with
 *                 readData all), or null: the dumps are checked by their hash only
 */
public record VerifyConfig(TargetChoice targets, String backupId, ReadData readData, PostgresConfig postgres) {

    public VerifyConfig(TargetChoice targets, String backupId, ReadData readData) {
        this(targets, backupId, readData, null);
    }

    /** Parses owui.readData: a typo fails here, before any target is read. */
    public static VerifyConfig of(TargetChoice targets, String backupId, String readData) {
        return of(targets, backupId, readData, null);
    }

    /** The same with the server for PostgreSQL dumps. */
    public static VerifyConfig of(TargetChoice targets, String backupId, String readData, PostgresConfig postgres) {
        return new VerifyConfig(targets, backupId, ReadData.parse(readData, null), postgres);
    }
}
