/**
 * Chats out of a backup: chosen rows of a stored webui.db's {@code chat} table written as the JSON
 * that Open WebUI's own "Import Chats" reads, so one deleted chat comes back without a restore.
 */
package dev.owui.backup.chats;
