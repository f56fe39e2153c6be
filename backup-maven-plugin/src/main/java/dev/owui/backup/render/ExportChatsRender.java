package dev.owui.backup.render;

import dev.owui.backup.chats.ChatExportResult;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.JsonReport;

/** owui:export-chats's report section and, for a file, the line saying where the chats went and how to bring them back. */
public final class ExportChatsRender {
    private ExportChatsRender() {
    }

    public static void render(ChatExportResult r, String instance, EngineLog log, JsonReport report) {
        report.section().put("instance", instance);
        report.section().put("backupId", r.backupId());
        report.section().put("chatIds", r.chatIds());
        report.section().put("chatsInBackup", r.chatsInBackup());
        report.section().put("output", r.output() == null ? "-" : r.output().toString());
        if (r.output() != null) {
            log.info("wrote " + r.chatIds().size() + " chat(s) of backup " + r.backupId() + " to " + r.output()
                    + "; bring them back in Open WebUI as their owner: Settings > Data Controls > Import Chats (they get new ids)");
        }
    }
}
