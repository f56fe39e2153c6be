/**
 * Manifests that scale (FORMAT.md, "A backup: the head and its entry chunks"): entries in
 * {@link dev.owui.backup.repo.manifest.PathOrder}, cut into content-defined chunks by
 * {@link dev.owui.backup.repo.manifest.EntryChunker} so a backup with nothing changed rewrites no
 * chunk, and merged against the previous backup's entries by
 * {@link dev.owui.backup.repo.manifest.SortedMerge} in constant memory.
 */
package dev.owui.backup.repo.manifest;
