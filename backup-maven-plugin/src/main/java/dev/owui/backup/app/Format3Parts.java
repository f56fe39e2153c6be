package dev.owui.backup.app;

import dev.owui.backup.config.CaptureConfig;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.plan.PlanRunner;
import dev.owui.backup.repo.RepoStores;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.engine.TreeImport;
import java.nio.file.Path;

/** What format 3 backups and snapshots take from the capture configuration and the run's context. */
final class Format3Parts {
    private Format3Parts() {
    }

    /**
     * A capture straight into a repository; {@code zstdByDefault}: owui.compression=auto
     * compresses (backups; snapshots keep plain objects for their tree).
     */
    static RepoBackupRunner.Options options(CaptureConfig c, RunContext ctx, boolean zstdByDefault) {
        Path cache = ctx.format3Cache();
        return new RepoBackupRunner.Options(c.dataDir(), ctx.instance(), c.selector(), c.secretKeyFile(), c.codec(zstdByDefault),
                ctx.keys().get(), c.full(), cache.resolve("capture"), ctx.cache().resolve("pagemaps"), c.threads());
    }

    /** What format 3 targets of a staged run need: their object store, the import's settings, scratch space. */
    static PlanRunner.Repositories repositories(CaptureConfig c, RunContext ctx, boolean zstdByDefault) {
        Path cache = ctx.format3Cache();
        RepoBackupRunner.Options o = options(c, ctx, zstdByDefault);
        TreeImport.Options imports = new TreeImport.Options(c.codec(zstdByDefault), ctx.keys().get(), cache.resolve("capture"),
                o.pageMapCache(), o.threads(), o.full());
        return new PlanRunner.Repositories(s -> RepoStores.open(s, ctx.targets()), imports, cache.resolve("scratch"));
    }
}
