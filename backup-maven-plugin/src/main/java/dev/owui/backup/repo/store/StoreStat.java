package dev.owui.backup.repo.store;

import java.time.Instant;

/**
 * One object as a store lists or stats it.
 *
 * @param key the object's key, relative to the store's root
 * @param size its length in bytes
 * @param mtime when it was written, as the store reports it (whole seconds over SFTP and S3)
 */
public record StoreStat(String key, long size, Instant mtime) {
}
