/**
 * The repository layer of format 3 (FORMAT.md, "Format 3"), written once above every
 * {@link dev.owui.backup.repo.store.ObjectStore}: {@link dev.owui.backup.repo.Repository} opens it
 * ({@code repository.json}); {@code lock} holds writers apart with lock objects; {@code objects}
 * stores contents under the hash of their stored bytes and reads them back verified;
 * {@code backup} writes and reads heads and entry chunks; {@code prune} forgets backups and
 * sweeps what no head names; {@code damage} records damaged objects and repairs them in place.
 * Nothing here is wired into a Mojo yet.
 */
package dev.owui.backup.repo;
