package dev.owui.backup.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The manifest.json of one backup, written last: its presence is what makes a tree a backup.
 * The format is documented in FORMAT.md at the repository's root; bump {@link #FORMAT_VERSION} on
 * any change a reader of an older version could misread.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        String format,
        int formatVersion,
        String toolVersion,
        String instance,
        String backupId,
        String host,
        String dataDir,
        String mode,
        Instant startedAt,
        Instant finishedAt,
        InstanceFacts openWebUi,
        Totals totals,
        List<FileEntry> files) {

    public static final String FORMAT = "owui-backup";
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";

    /** Sums over {@link #files}, kept in the manifest so listing needs no arithmetic over entries. */
    public record Totals(long files, long bytes, long bytesWritten, long bytesReused) {
    }
}
