package dev.owui.backup.verify;

import java.util.List;

/**
 * The outcome of verifying one backup.
 *
 * @param backupId  the backup
 * @param files     files read back
 * @param bytes     bytes read back
 * @param damages   everything found wrong, one line each; empty when the backup is whole
 * @param notes     findings that are not damage (orphan uploads, rows without files)
 */
public record VerifyResult(String backupId, long files, long bytes, List<String> damages, List<String> notes) {
    public boolean whole() {
        return damages.isEmpty();
    }
}
