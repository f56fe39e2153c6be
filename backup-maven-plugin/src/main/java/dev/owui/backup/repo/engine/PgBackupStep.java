package dev.owui.backup.repo.engine;

import dev.owui.backup.OwuiException;
import dev.owui.backup.instance.InstanceInspector.DatabaseFacts;
import dev.owui.backup.postgres.DatabaseUrl;
import dev.owui.backup.postgres.PgCapture;
import dev.owui.backup.postgres.PgSource;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.manifest.PathOrder;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The PostgreSQL part of a format 3 backup (FORMAT.md, "PostgreSQL instances"): each database is
 * dumped with {@link PgCapture} (one snapshot for the dump and its facts) into the run's staging
 * folder, before the data directory is walked, like SQLite's captures. The dump files become
 * {@code pg-dump} entries under {@link #ROOT}; a dump of an unchanged database is byte-identical
 * (its creation time fixed), so its entry and objects are the previous backup's, and a changed one
 * is stored in content-defined pieces (dumps are taken uncompressed for that), the unchanged ones reused.
 */
final class PgBackupStep {
    /** Where the dumps are in a backup's entries: outside the data directory, like the secret key. */
    static final String ROOT = dev.owui.backup.repo.backup.Entry.PG_DUMPS;
    static final String MAIN = BackupHead.PgDump.MAIN; // the role readers look for (PgRestoreStep, PgDumpRead, SnapshotRender)
    static final String PGVECTOR = "pgvector";

    /** One file to store: its entry path and the local file. */
    record DumpFile(String path, Path file) {
    }

    private final List<DumpFile> files = new ArrayList<>();
    private final List<BackupHead.PgDump> recorded = new ArrayList<>();
    private DatabaseFacts facts;

    private PgBackupStep() {
    }

    /** Dumps the source's databases into {@code staging} (the run's private folder). */
    static PgBackupStep capture(PgSource source, Path staging, EngineLog log) {
        PgBackupStep step = new PgBackupStep();
        PgCapture capture = new PgCapture(source.tools());
        step.facts = step.dump(capture, MAIN, source.database(), source.captureOptions(true), staging, log);
        if (source.pgvector() != null) {
            step.dump(capture, PGVECTOR, source.pgvector(), source.captureOptions(false), staging, log);
        }
        step.files.sort((a, b) -> PathOrder.INSTANCE.compare(a.path(), b.path()));
        return step;
    }

    private DatabaseFacts dump(PgCapture capture, String role, DatabaseUrl url, PgCapture.Options options, Path staging, EngineLog log) {
        Path dir = staging.resolve("postgres");
        Path out = dir.resolve(role + ".dump");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OwuiException("cannot stage the dump of " + url + " in " + dir + ": " + e.getMessage(),
                    "check the free space and permissions of the staging folder", e);
        }
        long t = System.nanoTime();
        PgCapture.Result r = capture.capture(url, out, options);
        String path = ROOT + role + ".dump";
        long size = 0;
        if (r.format() == PgCapture.Format.DIRECTORY) {
            try (Stream<Path> s = Files.list(out)) {
                for (Path f : s.sorted().toList()) {
                    files.add(new DumpFile(path + "/" + f.getFileName(), f));
                    size += Files.size(f);
                }
            } catch (IOException e) {
                throw new OwuiException("cannot read the dump folder " + out + ": " + e.getMessage(), "check the staging folder", e);
            }
        } else {
            files.add(new DumpFile(path, out));
            try {
                size = Files.size(out);
            } catch (IOException e) {
                throw new OwuiException("cannot read the dump " + out + ": " + e.getMessage(), "check the staging folder", e);
            }
        }
        if (!r.normalized()) {
            log.warn("the dump of " + url + " keeps its creation time (pg_dump " + r.pgDumpMajor()
                    + " writes an archive layout this tool does not know): each backup stores it anew even when the database did not change");
        }
        log.info("dumped " + url + " (PostgreSQL " + r.serverVersion() + ", pg_dump " + r.pgDumpMajor() + ", "
                + r.format().name().toLowerCase(Locale.ROOT) + " format) in one snapshot: " + Sizes.bytes(size)
                + " in " + (System.nanoTime() - t) / 1_000_000 + " ms");
        recorded.add(new BackupHead.PgDump(role, path, r.format().name().toLowerCase(Locale.ROOT),
                url.host() + ":" + url.port() + "/" + url.database(), r.serverVersion(), r.pgDumpMajor(),
                r.facts().schemaRevision(), r.facts().counts(), r.normalized()));
        return r.facts();
    }

    /** The files to store, in path order. */
    List<DumpFile> files() {
        return files;
    }

    /** What the head records about each dump. */
    List<BackupHead.PgDump> recorded() {
        return recorded;
    }

    /** The Open WebUI database's facts, read in its dump's snapshot (for the uploads cross-check). */
    DatabaseFacts facts() {
        return facts;
    }
}
