package dev.owui.backup.config;

import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.plan.PlanBook;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.TargetContext;
import dev.owui.backup.store.TargetSpec;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every goal's run shares, built once from the goal's parameters by its adapter (the Mojo)
 * and never changed after: the instance, how targets are named and opened, the pom's plans, the
 * time zone retention counts in, the keys that open encrypted backups, and the local cache.
 *
 * @param instance   the instance's folder name at a target
 * @param targets    what opening a target needs (SSH, credentials, environment, sync)
 * @param targetSpec a target named on its own (a pom target's id, or a URL with the goal's server
 *                   id and S3 options) to its spec
 * @param plans      the pom's targets and plans, checked together
 * @param zone       the zone whose days, weeks, months and years retention counts
 * @param keys       what opens encrypted backups; asked for only when something is encrypted, so
 *                   a configured passphrase source that yields nothing fails only then
 * @param cache      local work space ({@code ~/.cache/owui-backup}): captures, scratch, page maps
 * @param log        where the run's lines go
 */
public record RunContext(String instance, TargetContext targets, Function<String, TargetSpec> targetSpec, PlanBook plans, ZoneId zone,
                         Supplier<DecryptionKeys> keys, Path cache, EngineLog log) {

    /** The local work space of format 3 runs: database captures, objects being encoded, scratch. */
    public Path format3Cache() {
        return cache.resolve("format3");
    }
}
