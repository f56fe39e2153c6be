package dev.owui.backup.verify;

import dev.owui.backup.format.DamageRecord;
import java.util.List;

/**
 * The outcome of verifying one backup.
 *
 * @param backupId  the backup
 * @param files     files read back
 * @param bytes     bytes read back
 * @param damages   everything found wrong, one line each; empty when the backup is whole
 * @param notes     findings that are not damage (orphan uploads, rows without files)
 * @param damagedFiles the damaged stored copies among {@code damages}, as recorded at the target for the next backup
 */
public record VerifyResult(String backupId, long files, long bytes, List<String> damages, List<String> notes,
                           List<DamageRecord.Damaged> damagedFiles) {
    public VerifyResult(String backupId, long files, long bytes, List<String> damages, List<String> notes) {
        this(backupId, files, bytes, damages, notes, List.of());
    }

    public boolean whole() {
        return damages.isEmpty();
    }
}
