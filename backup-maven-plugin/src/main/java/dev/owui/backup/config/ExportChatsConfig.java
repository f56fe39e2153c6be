package dev.owui.backup.config;

import dev.owui.backup.OwuiException;
import dev.owui.backup.chats.ChatSelection;
import java.nio.file.Path;

/**
 * owui:export-chats's configuration.
 *
 * @param target    owui.target: a pom target's id or a URL
 * @param backupId  the backup, or null for the newest
 * @param selection the chats chosen
 * @param file      the JSON file written, or null for standard output ({@code owui.output=-})
 * @param force     replace an existing file
 * @param postgres  a server to read a PostgreSQL backup's dump through a scratch database, or null
 */
public record ExportChatsConfig(String target, String backupId, ChatSelection selection, Path file, boolean force, PostgresConfig postgres) {

    public ExportChatsConfig withPostgres(PostgresConfig p) {
        return new ExportChatsConfig(target, backupId, selection, file, force, p);
    }

    /** True when the chats go to standard output. */
    public boolean toStdout() {
        return file == null;
    }

    /**
     * Checks owui.output (given, and not sharing standard output with the report) around the
     * selection, in the order an operator fixes them.
     *
     * @param output         owui.output as given
     * @param selection      builds the selection (it parses owui.since/owui.until)
     * @param reportToStdout owui.report is {@code -}
     * @param resolve        an output path to the file written (relative to the project's directory)
     */
    public static ExportChatsConfig of(String target, String backupId, String output, java.util.function.Supplier<ChatSelection> selection,
                                       boolean reportToStdout, java.util.function.Function<String, Path> resolve, boolean force) {
        if (output == null || output.isBlank()) {
            throw new OwuiException("no output given", "set owui.output to the JSON file to write (or - for standard output)");
        }
        ChatSelection sel = selection.get();
        boolean toStdout = output.trim().equals("-");
        if (toStdout && reportToStdout) {
            throw new OwuiException("owui.output and owui.report both write to standard output",
                    "write one of them to a file, e.g. -Dowui.report=export-report.json");
        }
        return new ExportChatsConfig(target, backupId, sel, toStdout ? null : resolve.apply(output.trim()), force, null);
    }
}
