package dev.owui.backup.maven;

import dev.owui.backup.OwuiException;
import dev.owui.backup.chats.ChatExportOptions;
import dev.owui.backup.chats.ChatExportResult;
import dev.owui.backup.chats.ChatExporter;
import dev.owui.backup.chats.ChatSelection;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.store.Target;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes chosen chats of a backup's webui.db as the JSON that Open WebUI's Settings › Data
 * Controls › Import Chats reads: a deleted chat comes back through the UI, without a restore and
 * without touching the running instance. The stored backup is only read. A format 3 backup's
 * webui.db is reassembled from its layers into a private temporary file first.
 */
@Mojo(name = "export-chats", requiresProject = false, threadSafe = true)
public class ExportChatsMojo extends AbstractTargetMojo {

    /** The backup to read; default the newest. */
    @Parameter(property = "owui.backupId")
    private String backupId;

    /** Chat ids to export, comma-separated (the id is the last part of the chat's address, /c/&lt;id&gt;). */
    @Parameter(property = "owui.chats")
    private List<String> chats;

    /** Export the chats whose title contains this text (any case). */
    @Parameter(property = "owui.chatTitle")
    private String chatTitle;

    /** Export the chats of this user: id, e-mail or name. */
    @Parameter(property = "owui.chatUser")
    private String chatUser;

    /** Export chats updated at or after this ISO date or date-time (in owui.timeZone without an offset). */
    @Parameter(property = "owui.since")
    private String since;

    /** Export chats updated before this ISO date-time, or up to the end of this ISO date. */
    @Parameter(property = "owui.until")
    private String until;

    /** The JSON file to write, or {@code -} for standard output (with mvn -q for nothing else there). */
    @Parameter(property = "owui.output")
    private String output;

    /** Replace an existing output file. */
    @Parameter(property = "owui.force", defaultValue = "false")
    private boolean force;

    @Override
    protected String goal() {
        return "export-chats";
    }

    @Override
    protected void run() {
        if (output == null || output.isBlank()) {
            throw new OwuiException("no output given", "set owui.output to the JSON file to write (or - for standard output)");
        }
        ChatSelection selection = ChatSelection.of(chats, chatTitle, chatUser, since, until, zone());
        boolean toStdout = output.trim().equals("-");
        if (toStdout && report != null && report.strip().equals("-")) {
            throw new OwuiException("owui.output and owui.report both write to standard output",
                    "write one of them to a file, e.g. -Dowui.report=export-report.json");
        }
        Path file = toStdout ? null : resolve(new File(output.trim()));
        ChatExportResult r;
        try (Target t = target(); TargetRepo repo = TargetRepo.open(targetSpec(target), targetContext(), instance, engineLog())) {
            PrintStream stdout = System.out;
            r = new ChatExporter(engineLog()).run(new ChatExportOptions(t, instance, backupId, selection, file, force, decryptionKeys()),
                    repo.repository().orElse(null), stdout);
        }
        report().section().put("instance", instance);
        report().section().put("backupId", r.backupId());
        report().section().put("chatIds", r.chatIds());
        report().section().put("chatsInBackup", r.chatsInBackup());
        report().section().put("output", r.output() == null ? "-" : r.output().toString());
        if (!toStdout) {
            getLog().info("wrote " + r.chatIds().size() + " chat(s) of backup " + r.backupId() + " to " + r.output()
                    + "; bring them back in Open WebUI as their owner: Settings > Data Controls > Import Chats (they get new ids)");
        }
    }
}
