package dev.owui.backup.maven;

import dev.owui.backup.chats.ChatSelection;
import dev.owui.backup.config.ExportChatsConfig;
import dev.owui.backup.config.PostgresConfig;
import dev.owui.backup.render.ExportChatsRender;
import java.io.File;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes chosen chats of a backup's webui.db as the JSON that Open WebUI's Settings › Data
 * Controls › Import Chats reads: a deleted chat comes back through the UI, without a restore and
 * without touching the running instance. The stored backup is only read. A format 3 backup's
 * webui.db is reassembled from its layers into a private temporary file first; a backup of an
 * instance on PostgreSQL is read through a scratch database on the server owui.databaseUrl names.
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

    /**
     * For a backup of an instance on PostgreSQL: a server where its dump is restored into a
     * scratch database ({@code owui_scratch_<random>}, dropped afterwards) to be read,
     * {@code postgresql://USER@HOST:PORT/DATABASE} without the password (owui.databaseServerId).
     */
    @Parameter(property = "owui.databaseUrl")
    private String databaseUrl;

    /** The settings.xml server whose password is owui.databaseUrl's (or replaces owui.envFile's). */
    @Parameter(property = "owui.databaseServerId")
    private String databaseServerId;

    /** Instead of owui.databaseUrl: the compose .env (DATABASE_URL, DATABASE_SCHEMA) of the instance on PostgreSQL. */
    @Parameter(property = "owui.envFile")
    private File envFile;

    /** The folder with pg_restore (e.g. /usr/lib/postgresql/16/bin); default the PATH. */
    @Parameter(property = "owui.pgBin")
    private File pgBin;

    @Override
    protected String goal() {
        return "export-chats";
    }

    @Override
    protected void run() {
        ExportChatsConfig config = ExportChatsConfig.of(target, backupId, output, () -> ChatSelection.of(chats, chatTitle, chatUser, since, until, zone()),
                report != null && report.strip().equals("-"), o -> resolve(new File(o)), force)
                .withPostgres(PostgresConfig.of(databaseUrl, databaseServerId, resolve(envFile), resolve(pgBin), this::credentials, environment()));
        ExportChatsRender.render(owui().exportChats(config, System.out), instance, engineLog(), report());
    }
}
