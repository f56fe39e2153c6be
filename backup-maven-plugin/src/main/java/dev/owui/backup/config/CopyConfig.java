package dev.owui.backup.config;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.repo.copy.MixedCopy;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What owui:copy is asked to do, validated once before any work.
 *
 * @param from          the target to copy from (a pom target's id or a URL), without a plan
 * @param to            the target to copy to, without a plan
 * @param plan          a copy plan's id (its copyFrom, targets and retention replace from and to), or null/blank
 * @param backupId      which backups: {@code all} (every one the destination lacks), {@code latest}, or one id
 * @param toFormat      2 or 3 as asked, or {@link MixedCopy#AUTO} to decide per destination
 * @param threads       files or objects transferred at once
 * @param imports       compression and encryption of trees imported into a repository; null with toFormat 2
 * @param storageGiven  whether compression, recipients or manifest encryption were given for the destination:
 *                      then, with toFormat 3, a format 3 backup stored otherwise is refused, not copied as stored
 */
public record CopyConfig(String from, String to, String plan, String backupId, int toFormat, int threads, CodecSettings imports,
                         boolean storageGiven) {

    /**
     * The configuration with owui.toFormat parsed; {@code imports} is asked for only when the
     * format may import (3 or auto), so a toFormat=2 copy needs no valid write settings. Storage
     * counts as given with compression, manifest encryption or {@code recipientsGiven} (public
     * keys): a passphrase alone is what opens backups, not a demand on how they are stored.
     */
    public static CopyConfig of(String from, String to, String plan, String backupId, String toFormat, int threads,
                                Supplier<CodecSettings> imports, boolean recipientsGiven) {
        int f = toFormat(toFormat);
        CodecSettings codec = f == 2 ? null : imports.get();
        boolean given = codec != null && (codec.compress() || recipientsGiven || codec.encryptManifest());
        return new CopyConfig(from, to, plan, backupId, f, threads, codec, given);
    }

    /** Whether a plan names source and destinations (else from and to do). */
    public boolean hasPlan() {
        return plan != null && !plan.isBlank();
    }

    /** owui.toFormat: 2 or 3 as given, {@link MixedCopy#AUTO} for auto (per destination); anything else fails before any work. */
    static int toFormat(String value) {
        String v = value == null ? "" : value.trim();
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "", "auto" -> MixedCopy.AUTO;
            case "2" -> 2;
            case "3" -> 3;
            default -> throw new OwuiException("owui.toFormat=" + v + " is not a format a copy can write",
                    "use auto (the default: format 3 into a destination that holds a repository or nothing, trees where it holds only trees),"
                            + " 3 (import into the destination's format 3 repository) or 2 (the tree as stored)");
        };
    }
}
