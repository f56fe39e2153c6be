package dev.owui.backup.render;

import dev.owui.backup.chats.ChatExportResult;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.JsonReport;

/**
 * owui:export-chats's lines (the chats exported, the first ten by id and title; for a file, where
 * they went and how to bring them back) and its report section.
 */
public final class ExportChatsRender {
    private ExportChatsRender() {
    }

    public static void render(ChatExportResult r, String instance, EngineLog log, JsonReport report) {
        int n = r.chatIds().size();
        log.info("exported " + n + " of the " + r.chatsInBackup() + " chats of backup " + r.backupId() + (r.output() == null ? "" : " to " + r.output()) + ":");
        for (int i = 0; i < Math.min(10, n); i++) {
            log.info("  " + r.chatIds().get(i) + "  " + r.titles().get(i));
        }
        if (n > 10) {
            log.info("  … and " + (n - 10) + " more");
        }
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
