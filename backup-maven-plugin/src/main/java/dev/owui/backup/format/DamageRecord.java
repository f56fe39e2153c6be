package dev.owui.backup.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * What one owui:verify run found damaged in stored backups, kept at the target as
 * {@code <instance>/damage/<uuid>.json} (FORMAT.md), so the next backup from any host stores that
 * content anew instead of sharing the damaged copy (a hard link or server-side copy would carry
 * the damage into every later backup).
 *
 * @param format        always {@value #FORMAT}
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param instance      the instance whose backups were verified
 * @param foundAt       when the verify run found it
 * @param host          where the verify ran
 * @param toolVersion   the tool that wrote the record
 * @param files         the damaged entries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DamageRecord(String format, int formatVersion, String instance, Instant foundAt, String host, String toolVersion,
                           List<Damaged> files) {

    public static final String FORMAT = "owui-damage";
    public static final int FORMAT_VERSION = 1;
    /** The folder of the records under an instance's folder; never a backup id, so listing ignores it. */
    public static final String DIR = "damage";

    /** Problems a record names. */
    public static final String MISSING = "missing";
    public static final String SIZE = "size";
    public static final String SHA256 = "sha256";
    public static final String STORED_SHA256 = "storedSha256";
    public static final String UNREADABLE = "unreadable";

    /**
     * One damaged entry of a backup, as its manifest records it.
     *
     * @param backupId     the backup verify read
     * @param path         the entry's path (the original path, not the stored name)
     * @param sha256       the manifest's sha256 of the entry
     * @param storedSha256 the manifest's storedSha256, when the entry is not stored plain
     * @param problem      {@value #MISSING}, {@value #SIZE}, {@value #SHA256}, {@value #STORED_SHA256} or {@value #UNREADABLE}
     * @param detail       verify's line about it, for people
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Damaged(String backupId, String path, String sha256, String storedSha256, String problem, String detail) {
        /**
         * True when {@code e} (an entry a later backup would share) may be this damaged copy: the
         * same path with the same recorded content. Hard links and server-side copies keep the
         * recorded hashes, so later backups sharing the damaged copy are caught too.
         */
        public boolean covers(FileEntry e) {
            return e != null && path.equals(e.path())
                    && (sha256 != null && sha256.equals(e.sha256()) || storedSha256 != null && storedSha256.equals(e.storedSha256()));
        }
    }

    private static final ObjectMapper MAPPER = ManifestCodec.MAPPER;

    public static byte[] write(DamageRecord r) {
        try {
            return MAPPER.writeValueAsBytes(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a damage record", e);
        }
    }

    /** Parses a record; {@code where} names it in the error. */
    public static DamageRecord read(byte[] json, String where) {
        DamageRecord r;
        try {
            r = MAPPER.readValue(json, DamageRecord.class);
        } catch (IOException e) {
            throw new OwuiException("unreadable damage record " + where + ": " + e.getMessage(), null, e);
        }
        if (!FORMAT.equals(r.format()) || r.files() == null || r.files().stream().anyMatch(d -> d == null || d.path() == null)) {
            throw new OwuiException("unreadable damage record " + where + ": not an " + FORMAT + " record", null);
        }
        return r;
    }
}
