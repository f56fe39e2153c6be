package dev.owui.backup.codec;

/**
 * What encoding one file produced: the original content's size and SHA-256 (what restore checks
 * after decoding) and the stored object's (what a copy between targets, or a verify without the
 * key, checks).
 */
public record Encoded(String storage, long size, String sha256, long storedSize, String storedSha256) {
}
