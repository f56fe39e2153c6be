package dev.owui.backup.capture;

import dev.owui.backup.format.Manifest;
import java.util.List;
import java.util.Map;

/**
 * What a run did, for the summary and the exit status.
 *
 * @param manifest       the manifest written
 * @param phaseNanos     time per phase, in run order
 * @param linkFallbacks  files that could have been reused but were copied because the target refused a hard link
 * @param warnings       things the operator should know that did not fail the run
 */
public record BackupResult(Manifest manifest, Map<String, Long> phaseNanos, long linkFallbacks, List<String> warnings) {
}
