/**
 * The store layer of format 3, the incremental-forever repository (FORMAT.md, "The store
 * interface and the repository above it"): {@link dev.owui.backup.repo.store.ObjectStore}, the
 * few operations every target type offers (list, stat, read, atomic write-if-absent, delete,
 * optional hard links), and its three implementations over a local folder, SFTP and S3.
 *
 * <p>A store knows nothing of backups. The repository layer goes above it, written once for all
 * three: locks as objects, objects named by their hash, heads and entry chunks, damage records,
 * prune. It relies on exactly the rules {@code ObjectStoreContract} (the tests) checks against
 * every store: no reader ever sees a partial object under a key, a write never replaces an
 * existing object, a crash leaves at most temp files that are never listed and that
 * {@code removeStaleTemps} cleans.
 */
package dev.owui.backup.repo.store;
