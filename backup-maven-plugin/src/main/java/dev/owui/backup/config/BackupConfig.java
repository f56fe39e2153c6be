package dev.owui.backup.config;

/**
 * What owui:backup is asked to do: capture as {@code capture} says, to the plan {@code plan} or
 * else the one target {@code target} ({@link Jobs#backup} decides).
 */
public record BackupConfig(CaptureConfig capture, String plan, String target) {
}
