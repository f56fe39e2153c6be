package dev.owui.backup.repo.objects;

/**
 * A stored object as its writer knows it.
 *
 * @param name       SHA-256 of the stored bytes: the object's name
 * @param storedSize size of the stored bytes
 * @param sha256     SHA-256 of the content before encoding
 * @param size       size of the content before encoding
 * @param storage    how it was encoded (plain, zstd, pgp, zstd+pgp)
 * @param uploaded   true when this put sent it to the store, false when the store already held it
 */
public record ObjectRef(String name, long storedSize, String sha256, long size, String storage, boolean uploaded) {
}
