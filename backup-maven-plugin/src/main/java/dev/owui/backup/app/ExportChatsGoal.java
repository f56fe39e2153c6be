package dev.owui.backup.app;

import dev.owui.backup.chats.ChatExportOptions;
import dev.owui.backup.chats.ChatExportResult;
import dev.owui.backup.chats.ChatExporter;
import dev.owui.backup.config.ExportChatsConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.store.Targets;
import java.io.OutputStream;

/** owui:export-chats: chosen chats of a backup's webui.db (or PostgreSQL dump, through a scratch database) as the JSON Open WebUI's Import Chats reads; the backup is only read. */
public final class ExportChatsGoal {
    private final RunContext c;

    ExportChatsGoal(RunContext c) {
        this.c = c;
    }

    /** Writes to the configured file, or to {@code stdout} (left open) for {@code owui.output=-}. */
    ChatExportResult run(ExportChatsConfig config, OutputStream stdout) {
        TargetSpec spec = c.targetSpec().apply(config.target());
        try (Target t = PerTarget.existing("export-chats", Targets.open(spec, c.targets()));
             TargetRepo repo = TargetRepo.open(spec, c.targets(), c.instance(), c.log())) {
            ChatExportOptions o = new ChatExportOptions(t, c.instance(), config.backupId(), config.selection(), config.file(),
                    config.force(), c.keys().get(), config.postgres() == null ? null : config.postgres().scratchServer());
            return new ChatExporter(c.log()).run(o, repo.repository().orElse(null), stdout);
        }
    }
}
