package dev.owui.backup.repo.restore;

import dev.owui.backup.OwuiException;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.instance.InstanceInspector.DatabaseFacts;
import dev.owui.backup.postgres.DatabaseUrl;
import dev.owui.backup.postgres.PgRestore;
import dev.owui.backup.postgres.PgTarget;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.LocalCopies;
import dev.owui.backup.store.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The PostgreSQL part of a format 3 restore and verify (FORMAT.md, "PostgreSQL instances"). The
 * dump entries are staged like files (checked against their SHA-256) in the restore's staging
 * folder; before anything moves into the data directory they are restored with {@link PgRestore}
 * into the target database (empty, or with force renamed aside), or, without a target database,
 * moved beside the data directory with the pg_restore line to run by hand.
 */
final class PgRestoreStep {
    /** The dumps' folder inside a restore's staging folder. */
    static final String STAGE = ".owui-postgres";
    static final String MAIN = BackupHead.PgDump.MAIN;

    /**
     * What the PostgreSQL part of a restore did.
     *
     * @param restored the databases restored (with the name the previous one has now, if any)
     * @param files    the folder the dumps were written to as files, or null
     */
    record Outcome(List<PgRestore.Result> restored, Path files) {
        static final Outcome NONE = new Outcome(List.of(), null);
    }

    private PgRestoreStep() {
    }

    /** Where {@code e} (a pg-dump entry) is staged under {@code staging}. */
    static Path stagedPath(Path staging, String entryPath) {
        if (!entryPath.startsWith(Entry.PG_DUMPS)) {
            throw new OwuiException("the backup has a PostgreSQL dump outside " + Entry.PG_DUMPS + ": " + entryPath,
                    "the backup is damaged or not ours; do not restore it");
        }
        return RepoRestore.resolve(staging.resolve(STAGE), entryPath.substring(Entry.PG_DUMPS.length()), Set.of());
    }

    /**
     * The folder the dumps go to as files, checked before any work: it must not exist (null when
     * the backup holds no dump or every dump has a database to go into).
     */
    static Path filesFolder(BackupHead head, PgTarget target, Path dest) {
        if (head.postgres() == null || head.postgres().isEmpty()) {
            return null;
        }
        boolean allInto = target != null && target.database() != null
                && head.postgres().stream().allMatch(d -> MAIN.equals(d.role()) || target.pgvector() != null);
        if (allInto) {
            return null;
        }
        Path folder = target != null && target.dumpsTo() != null ? target.dumpsTo().toAbsolutePath().normalize()
                : dest.resolveSibling(dest.getFileName() + ".postgres");
        if (Files.exists(folder)) {
            throw new OwuiException("the backup's PostgreSQL dumps would be written to " + folder + ", which exists already",
                    "move it away, or name a database to restore into (owui.databaseUrl); nothing was changed");
        }
        return folder;
    }

    /**
     * After the staging is complete and checked: restores each staged dump that has a database to
     * go into, and moves the others to {@code folder}.
     */
    static Outcome finish(BackupHead head, Path staging, PgTarget target, Path folder, Repository repo) throws IOException {
        Path stage = staging.resolve(STAGE);
        if (!Files.exists(stage)) {
            return Outcome.NONE;
        }
        List<PgRestore.Result> restored = new ArrayList<>();
        List<BackupHead.PgDump> asFiles = new ArrayList<>();
        for (BackupHead.PgDump d : head.postgres() == null ? List.<BackupHead.PgDump>of() : head.postgres()) {
            DatabaseUrl into = target == null ? null : MAIN.equals(d.role()) ? target.database() : target.pgvector();
            Path dump = stagedPath(staging, d.path());
            if (into == null) {
                asFiles.add(d);
                continue;
            }
            PgRestore.Options options = target.restoreOptions();
            PgRestore.Result r = new PgRestore(target.tools()).restore(into, dump, MAIN.equals(d.role()) ? options : options.inSchema(null));
            restored.add(r);
            if (r.renamedAside() != null) {
                repo.log().info("the database " + r.database() + " that was there is now " + r.renamedAside() + " (nothing was dropped)");
            }
            for (String diff : differences(d, r.facts())) {
                repo.log().warn("restored " + into + ": " + diff);
            }
            repo.log().info("restored the " + d.role() + " database (" + d.format() + " dump of " + d.server() + ", PostgreSQL "
                    + d.serverVersion() + ") into " + into + (r.jobs() > 1 ? " with pg_restore --jobs=" + r.jobs() : ""));
            LocalCopies.deleteTree(dump);
        }
        if (asFiles.isEmpty()) {
            LocalCopies.deleteTree(stage);
            return new Outcome(List.copyOf(restored), null);
        }
        move(stage, folder);
        for (BackupHead.PgDump d : asFiles) {
            Path dump = folder.resolve(d.path().substring(Entry.PG_DUMPS.length()));
            repo.log().warn("the " + d.role() + " database (PostgreSQL " + d.serverVersion() + ", " + d.server()
                    + ") is not restored: its dump is " + dump + ". Restore it by hand into a new, empty database with pg_restore "
                    + d.pgDumpMajor() + " or newer: " + d.byHand(dump));
        }
        return new Outcome(List.copyOf(restored), folder);
    }

    /** Revision and row counts recorded at the capture against those read from a restore. */
    static List<String> differences(BackupHead.PgDump recorded, DatabaseFacts restored) {
        List<String> out = new ArrayList<>();
        if (!Objects.equals(recorded.schemaRevision(), restored.schemaRevision())) {
            out.add("schema revision: recorded " + recorded.schemaRevision() + ", restored " + restored.schemaRevision());
        }
        Map<String, Long> counts = recorded.counts() == null ? Map.of() : recorded.counts();
        if (!counts.equals(restored.counts())) {
            out.add("row counts: recorded " + counts + ", restored " + restored.counts());
        }
        return out;
    }

    /**
     * For a verify: decodes the dump entries of {@code head} into a private temp folder, restores
     * each dump into a scratch database on {@code server}'s server, compares revision and row
     * counts with those recorded, and drops the scratch database. Returns what differs, by dump
     * path (empty when all match).
     */
    static List<String[]> verify(Repository repo, BackupHead head, List<Entry> dumpEntries, DecryptionKeys keys, PgTarget server)
            throws IOException {
        List<String[]> problems = new ArrayList<>();
        Files.createDirectories(repo.scratch());
        Path tmp = Files.createTempDirectory(repo.scratch(), "owui-verify-pg-");
        try {
            decodeAll(repo, dumpEntries, keys, tmp);
            for (BackupHead.PgDump d : head.postgres()) {
                Path dump = stagedPath(tmp, d.path());
                if (!Files.exists(dump)) {
                    problems.add(new String[] {d.path(), "the head names this dump, but the entries hold no such file"});
                    continue;
                }
                PgRestore.Options options = server.restoreOptions();
                PgRestore.Verification v = new PgRestore(server.tools()).verify(server.database(), dump, null,
                        MAIN.equals(d.role()) ? options : options.inSchema(null));
                for (String diff : differences(d, v.facts())) {
                    problems.add(new String[] {d.path(), "restored into a scratch database, " + diff});
                }
            }
        } finally {
            LocalCopies.deleteTree(tmp);
        }
        return problems;
    }

    /** Dump entries decoded (and checked) to where a staging folder {@code tmp} keeps them ({@link #stagedPath}). */
    static void decodeAll(Repository repo, List<Entry> dumpEntries, DecryptionKeys keys, Path tmp) throws IOException {
        for (Entry e : dumpEntries) {
            Path out = stagedPath(tmp, e.path());
            Files.createDirectories(out.getParent());
            decode(repo, e, keys, out);
        }
    }

    /** One dump entry's content into {@code out}, checked against its size and SHA-256. */
    private static void decode(Repository repo, Entry e, DecryptionKeys keys, Path out) throws IOException {
        dev.owui.backup.store.BackupWriter.Stored s;
        try (InputStream in = dev.owui.backup.repo.chunks.ChunkedContent.open(repo, e, keys, e.path());
             OutputStream os = PrivateFiles.newOutputStream(out)) {
            s = Hashing.copy(in, os);
        }
        if (!s.sha256().equals(e.sha256()) || e.size() != null && s.size() != e.size()) {
            throw new OwuiException(e.path() + " decodes to " + s.size() + " bytes with SHA-256 " + s.sha256() + ", the backup says "
                    + e.size() + " bytes with " + e.sha256(), "the backup is damaged: restore another backup");
        }
    }

    /** Moves the staged dumps beside the data directory (copies when that is another filesystem). */
    private static void move(Path stage, Path folder) throws IOException {
        Files.createDirectories(folder.getParent());
        try {
            Files.move(stage, folder, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try (Stream<Path> s = Files.walk(stage)) {
                for (Path p : s.toList()) {
                    Path to = folder.resolve(stage.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        PrivateFiles.createDirectory(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
            LocalCopies.deleteTree(stage);
        }
    }
}
