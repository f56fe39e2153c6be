/**
 * SQLite databases stored at page granularity (FORMAT.md, "Databases at page granularity"):
 * a capture is an image plus page sets, each page set the changed pages of one capture against
 * the previous one. Plain Java over local files and streams; it knows nothing of targets,
 * encodings or manifests, which the repository layer adds around it.
 *
 * <ul>
 *   <li>{@link dev.owui.backup.repo.pages.PageMap}: per-page hashes of an image, what the next capture is compared with;</li>
 *   <li>{@link dev.owui.backup.repo.pages.Runs}: page runs {@code [first, count]}, the manifest's description of a page set;</li>
 *   <li>{@link dev.owui.backup.repo.pages.PageSets}: writing a page set from an image and applying it to one;</li>
 *   <li>{@link dev.owui.backup.repo.pages.LayerPolicy}: when to add a page set, compact, or store a new image.</li>
 * </ul>
 */
package dev.owui.backup.repo.pages;
