package dev.owui.backup.config;

/**
 * owui:diff's configuration.
 *
 * @param targets   where: owui.target, or each target of owui.plan
 * @param backupIds {@code OLD,NEW}, one id (compared with the newest), or null for the two newest
 * @param limit     paths listed per category; 0 for the counts only (BackupDiff refuses a negative one)
 */
public record DiffConfig(TargetChoice targets, String backupIds, int limit) {
}
