/**
 * Browsable trees of format 3 backups ({@code trees/<id>/}, FORMAT.md "Browsable trees"): built by
 * owui:snapshot on local and SFTP targets, removed by prune with the backups they show.
 */
package dev.owui.backup.repo.tree;
