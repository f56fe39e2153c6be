package dev.owui.backup.chats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.owui.backup.OwuiException;
import dev.owui.backup.capture.InstanceNames;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.codec.Manifests;
import dev.owui.backup.format.Storage;
import dev.owui.backup.codec.StoredContent;
import dev.owui.backup.format.FileEntry;
import dev.owui.backup.format.Manifest;
import dev.owui.backup.instance.DataDirectory;
import dev.owui.backup.instance.Sqlite;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.restore.PgDumpRead;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Hashing;
import dev.owui.backup.store.PrivateFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Writes chosen chats of a backup's webui.db as the JSON array that Open WebUI's "Import Chats"
 * (Settings › Data Controls) reads: the shape of its own export ({@code ChatResponse}: id,
 * user_id, title, chat, updated_at, created_at, share_id, archived, pinned, meta, folder_id, and
 * variables, tasks, summary, current_message_id where the backup's schema has them), so a deleted
 * chat comes back through the UI without touching the running instance or its database.
 *
 * <p>The stored database is never modified: a plain one on a local target is opened in place with
 * {@code immutable=1} (read-only, no locks, no -wal/-shm), a remote or encoded one is decoded into a
 * private temporary copy; either is first checked against the manifest's SHA-256.
 */
public final class ChatExporter {
    /** {@code ChatResponse}'s fields present in every schema, in its order. */
    private static final List<String> FIELDS = List.of("id", "user_id", "title", "chat", "updated_at", "created_at", "share_id",
            "archived", "pinned", "meta", "folder_id");
    /** Fields newer {@code ChatResponse}s add; written when the backup's chat table has the column. */
    private static final List<String> NEWER_FIELDS = List.of("variables", "tasks", "summary", "current_message_id");
    private static final Set<String> JSON_COLUMNS = Set.of("chat", "meta", "variables", "tasks");
    private static final Set<String> BOOLEAN_COLUMNS = Set.of("archived", "pinned");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final EngineLog log;

    public ChatExporter(EngineLog log) {
        this.log = log;
    }

    /** Exports to {@code o.output()}, or to {@code stream} (left open) when that is null, from a target without format 3 backups. */
    public ChatExportResult run(ChatExportOptions o, OutputStream stream) {
        return run(o, null, stream);
    }

    /**
     * Exports from the chosen backup among both formats at the target: {@code repo} is the
     * instance's format 3 repository there, or null when it has none. The newest of both formats
     * is the default; an id in both is taken from format 3, as restore takes it.
     */
    public ChatExportResult run(ChatExportOptions o, Repository repo, OutputStream stream) {
        String instance = InstanceNames.check(o.instance());
        ChatSelection sel = o.selection();
        if (sel == null || sel.isEmpty()) {
            throw new OwuiException("no chats chosen",
                    "choose them with owui.chats=<id>[,<id>…], owui.chatTitle=<part of the title>, owui.chatUser=<id, e-mail or name>, owui.since/owui.until=<ISO date>");
        }
        Path out = o.output() == null ? null : o.output().toAbsolutePath().normalize();
        if (out != null) {
            if (Files.isDirectory(out)) {
                throw new OwuiException(out + " is a directory", "set owui.output to the JSON file to write (or - for standard output)");
            }
            if (Files.exists(out) && !o.force()) {
                throw new OwuiException(out + " exists", "choose another owui.output, or add -Dowui.force=true to replace it");
            }
        }

        Catalog catalog = new Catalog(o.target(), instance);
        if (repo != null) {
            TargetRepo.Choice choice = TargetRepo.choose(catalog.ids(), repo.backups().list(), o.backupId(), o.target().location(), instance, log);
            if (choice.repo()) {
                return fromRepo(o, repo, choice.backupId(), sel, out, stream);
            }
        }
        String id = catalog.selectOne(o.backupId());
        Manifest m = Manifests.full(catalog.manifest(id), o.target(), instance, o.keys());
        FileEntry db = m.files().stream().filter(e -> e.path().equals(DataDirectory.MAIN_DB)).findFirst()
                .orElseThrow(() -> new OwuiException("backup " + id + " holds no " + DataDirectory.MAIN_DB,
                        "an instance on PostgreSQL (DATABASE_URL) keeps its chats there; export them with that database's tools"));
        if (!Storage.isKnown(db.storage())) {
            throw new OwuiException("backup " + id + " stores " + db.path() + " as '" + db.storage() + "', which this tool does not know",
                    "export with the owui backup version that wrote it (" + m.toolVersion() + ") or newer");
        }
        if (StoredContent.needsKey(db, o.keys())) {
            throw new OwuiException("backup " + id + " is encrypted (" + db.storedPath() + ") and no passphrase or secret key was given",
                    "set owui.encryption.serverId or owui.passphraseEnv (and owui.secretKeyRing for a key pair)");
        }

        Path scratch = null;
        try {
            if (!db.isStoredPlain()) {
                // Decoded into a private temporary file: the stored object stays as it is.
                Path dir = Files.createTempDirectory("owui-chats-");
                PrivateFiles.makePrivate(dir);
                scratch = dir.resolve(DataDirectory.MAIN_DB);
            }
            Path local = StoredContent.localFile(o.target(), instance, id, db, o.keys(), scratch);
            check(id, db.path(), db.size(), db.sha256(), local);
            return export(id, local, sel, out, stream);
        } catch (SQLException | IOException e) {
            throw failed(id, e);
        } finally {
            if (scratch != null) {
                deleteQuietly(scratch);
                deleteQuietly(scratch.getParent());
            }
        }
    }

    /** Reads the chosen chats from the webui.db at {@code local} (checked already) and writes them. */
    private ChatExportResult export(String id, Path local, ChatSelection sel, Path out, OutputStream stream) throws SQLException, IOException {
        Chosen chosen;
        try (Connection c = Sqlite.openFrozen(local)) {
            chosen = read(ChatTables.sqlite(c), id, sel);
        }
        return write(id, chosen, out, stream);
    }

    /** The chats chosen, as Open WebUI's export writes them, and how many the backup has. */
    private record Chosen(List<ObjectNode> chats, int total) {
    }

    /** The chosen chats, from either engine's tables: the queries are the same. */
    private static Chosen read(ChatTables db, String id, ChatSelection sel) throws SQLException {
        int total = count(db);
        return new Chosen(rows(db, choose(db, sel, id, total)), total);
    }

    private static ChatExportResult write(String id, Chosen chosen, Path out, OutputStream stream) throws IOException {
        List<ObjectNode> chats = chosen.chats();
        write(chats, out, stream);
        List<String> ids = chats.stream().map(n -> n.get("id").asText()).toList();
        List<String> titles = chats.stream().map(n -> n.get("title").asText("")).toList();
        return new ChatExportResult(id, ids, titles, chosen.total(), out);
    }

    /**
     * A format 3 backup: its webui.db entry is reassembled from its layers (each decoded from its
     * object as reassembly reaches it) into a private temporary file, checked against the
     * capture's SHA-256, and read from there; the stored objects stay as they are.
     */
    private ChatExportResult fromRepo(ChatExportOptions o, Repository repo, String id, ChatSelection sel, Path out, OutputStream stream) {
        BackupHead head = repo.backups().head(id);
        Entry db = null;
        try (EntryIterator it = repo.backups().entries(head, o.keys())) {
            while (db == null && it.hasNext()) {
                Entry e = it.next();
                if (e.path().equals(DataDirectory.MAIN_DB)) {
                    db = e;
                }
            }
        }
        if (db == null && PgDumpRead.mainDump(head) != null) {
            return fromPostgres(o, repo, head, sel, out, stream);
        }
        if (db == null) {
            throw new OwuiException("backup " + id + " holds no " + DataDirectory.MAIN_DB,
                    "an instance on PostgreSQL (DATABASE_URL) keeps its chats there; export them with that database's tools");
        }
        if (!Entry.SQLITE.equals(db.type())) {
            throw new OwuiException("backup " + id + " records " + db.path() + " as '" + db.type() + "', not as a database",
                    "the backup is damaged or not ours: run owui:verify on it, and export from another backup (owui:list)");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("owui-chats-");
            PrivateFiles.makePrivate(dir);
            Path local = dir.resolve(DataDirectory.MAIN_DB);
            RepoRestore.reassemble(repo, db, o.keys(), local, "backup " + id + ": " + db.path());
            check(id, db.path(), db.size() == null ? -1 : db.size(), db.sha256(), local);
            return export(id, local, sel, out, stream);
        } catch (SQLException | IOException e) {
            throw failed(id, e);
        } finally {
            if (dir != null) {
                deleteQuietly(dir.resolve(DataDirectory.MAIN_DB));
                deleteQuietly(dir);
            }
        }
    }

    /**
     * A format 3 backup of an instance on PostgreSQL: its Open WebUI dump is restored into a
     * scratch database on the server the operator names, read with the same queries as webui.db,
     * and the scratch database dropped (PgDumpRead).
     */
    private ChatExportResult fromPostgres(ChatExportOptions o, Repository repo, BackupHead head, ChatSelection sel, Path out,
                                          OutputStream stream) {
        String id = head.backupId();
        BackupHead.PgDump dump = PgDumpRead.mainDump(head);
        if (o.postgres() == null || o.postgres().database() == null) {
            throw new OwuiException("backup " + id + " holds a PostgreSQL dump (" + dump.path() + ", PostgreSQL " + dump.serverVersion()
                    + "); export-chats reads it through a scratch database, and no server was given",
                    "give owui.databaseUrl=postgresql://USER@HOST:PORT/postgres (a role that may CREATE DATABASE; its password from"
                            + " owui.databaseServerId, a settings.xml server) or owui.envFile (the compose .env with DATABASE_URL),"
                            + " and owui.pgBin when pg_restore " + dump.pgDumpMajor() + " or newer is not on the PATH;"
                            + " a database " + PgDumpRead.SCRATCH_PREFIX + "<random> is created there and dropped afterwards");
        }
        String schema = o.postgres().schema();
        Chosen chosen = PgDumpRead.read(repo, head, o.keys(), o.postgres(), (c, scratch) -> {
            log.info("reading the chats of backup " + id + " from the scratch database " + scratch + " (dropped afterwards)");
            return read(ChatTables.postgres(c, schema), id, sel);
        });
        try {
            return write(id, chosen, out, stream);
        } catch (IOException e) {
            throw failed(id, e);
        }
    }

    /** What a failed export of either format says: an unreadable database, or the files around it. */
    private static OwuiException failed(String id, Exception e) {
        if (e instanceof SQLException) {
            return new OwuiException("cannot read the chats of backup " + id + "'s webui.db: " + e.getMessage(),
                    "run owui:verify on it, and export from another backup (owui:list)", e);
        }
        return new OwuiException("cannot export chats of backup " + id + ": " + e.getMessage(),
                "check the target, free space in the temporary directory and owui.output's folder", e);
    }

    /** The database must be the one the manifest describes, before anything is read from it. */
    private static void check(String backupId, String path, long size, String sha256, Path local) throws IOException {
        dev.owui.backup.store.BackupWriter.Stored s = Hashing.sha256(local);
        long n = s.size();
        String got = s.sha256();
        if (n != size || !got.equals(sha256)) {
            throw new OwuiException("backup " + backupId + " is damaged: " + path + " does not match its manifest (size " + n + " vs "
                    + size + ", SHA-256 " + got + " vs " + sha256 + ")", "run owui:verify, and export from another backup (owui:list)");
        }
    }

    private static int count(ChatTables db) throws SQLException {
        if (db.columns("chat").isEmpty()) {
            throw new OwuiException("the database of this backup has no chat table", "it is not an Open WebUI database, or a very old one");
        }
        try (Statement s = db.connection().createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + db.table("chat"))) {
            r.next();
            return r.getInt(1);
        }
    }

    /** The ids of the chosen chats, newest update first, from a light pass over id, title, owner and time. */
    private static List<String> choose(ChatTables db, ChatSelection sel, String backupId, int total) throws SQLException {
        Set<String> owners = sel.user() == null ? null : owners(db, sel.user(), backupId);
        Set<String> wanted = new LinkedHashSet<>(sel.ids());
        Set<String> seen = new java.util.HashSet<>();
        record Hit(String id, long updatedAt) {
        }
        List<Hit> hits = new ArrayList<>();
        try (Statement s = db.connection().createStatement();
             ResultSet r = s.executeQuery("SELECT id, title, user_id, updated_at FROM " + db.table("chat"))) {
            while (r.next()) {
                String id = r.getString(1);
                long updated = r.getLong(4);
                if (!wanted.isEmpty()) {
                    if (!wanted.contains(id)) {
                        continue;
                    }
                    seen.add(id);
                }
                if (owners != null && !owners.contains(r.getString(3))) {
                    continue;
                }
                if (sel.matchesTitleAndTime(r.getString(2), updated)) {
                    hits.add(new Hit(id, updated));
                }
            }
        }
        List<String> missing = wanted.stream().filter(w -> !seen.contains(w)).toList();
        if (!missing.isEmpty()) {
            throw new OwuiException("no chat " + String.join(", ", missing) + " in backup " + backupId + " (it has " + total + " chats)",
                    "check the id (the part after /c/ in the chat's address), or look in an older backup (owui:list, owui.backupId)");
        }
        if (hits.isEmpty()) {
            throw new OwuiException("no chat in backup " + backupId + " matches " + sel.describe() + " (it has " + total + " chats)",
                    "widen the criteria, or look in an older backup (owui:list, owui.backupId)");
        }
        hits.sort(Comparator.comparingLong(Hit::updatedAt).reversed().thenComparing(Hit::id));
        return hits.stream().map(Hit::id).toList();
    }

    /** The user ids the operator's word names: an id, an e-mail (any case) or a name (any case); a name shared by several users fails. */
    private static Set<String> owners(ChatTables db, String who, String backupId) throws SQLException {
        List<String[]> users = new ArrayList<>();
        // "user" quoted: in PostgreSQL a bare user is CURRENT_USER
        try (Statement s = db.connection().createStatement(); ResultSet r = s.executeQuery("SELECT id, email, name FROM " + db.table("user"))) {
            while (r.next()) {
                users.add(new String[] {r.getString(1), r.getString(2), r.getString(3)});
            }
        }
        for (String[] u : users) {
            if (who.equals(u[0])) {
                return Set.of(u[0]);
            }
        }
        List<String[]> byEmail = users.stream().filter(u -> who.equalsIgnoreCase(u[1])).toList();
        List<String[]> matches = byEmail.isEmpty() ? users.stream().filter(u -> who.equalsIgnoreCase(u[2])).toList() : byEmail;
        if (matches.isEmpty()) {
            throw new OwuiException("no user '" + who + "' in backup " + backupId + " (it has " + users.size() + " users)",
                    "give the user's id, e-mail or full name as Open WebUI shows it (Admin Panel › Users)");
        }
        if (matches.size() > 1) {
            throw new OwuiException("'" + who + "' names " + matches.size() + " users in backup " + backupId + ": "
                    + String.join(", ", matches.stream().map(u -> u[0] + " <" + u[1] + ">").toList()),
                    "give one of them by id or e-mail in owui.chatUser");
        }
        return Set.of(matches.get(0)[0]);
    }

    /** The chosen rows as Open WebUI's export writes them, in the order of {@code ids}. */
    private static List<ObjectNode> rows(ChatTables db, List<String> ids) throws SQLException {
        Set<String> columns = db.columns("chat");
        List<String> fields = new ArrayList<>(FIELDS);
        NEWER_FIELDS.stream().filter(columns::contains).forEach(fields::add);
        Map<String, ObjectNode> byId = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + 500));
            String sql = "SELECT * FROM " + db.table("chat") + " WHERE id IN (" + String.join(",", java.util.Collections.nCopies(batch.size(), "?")) + ")";
            try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                for (int i = 0; i < batch.size(); i++) {
                    ps.setString(i + 1, batch.get(i));
                }
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        ObjectNode n = row(r, fields, columns);
                        byId.put(n.get("id").asText(), n);
                    }
                }
            }
        }
        return ids.stream().map(byId::get).toList();
    }

    private static ObjectNode row(ResultSet r, List<String> fields, Set<String> columns) throws SQLException {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        String id = r.getString("id");
        for (String f : fields) {
            // JSON columns read as text: PostgreSQL's json/jsonb would come as a driver object
            Object v = !columns.contains(f) ? null : JSON_COLUMNS.contains(f) ? r.getString(f) : r.getObject(f);
            if (JSON_COLUMNS.contains(f)) {
                n.set(f, json(id, f, v));
            } else if (BOOLEAN_COLUMNS.contains(f)) {
                if (v == null) {
                    n.put(f, f.equals("archived") ? Boolean.FALSE : null);
                } else {
                    n.put(f, v instanceof Number num ? num.longValue() != 0 : Boolean.parseBoolean(v.toString()));
                }
            } else if (v instanceof Number num) {
                n.put(f, num.longValue());
            } else if (v == null) {
                n.putNull(f);
            } else {
                n.put(f, v.toString());
            }
        }
        return n;
    }

    /** A JSON column as JSON; the defaults ChatResponse gives a missing one ({} for meta and variables). */
    private static JsonNode json(String chatId, String column, Object v) {
        if (v == null) {
            return column.equals("tasks") ? JsonNodeFactory.instance.nullNode() : JsonNodeFactory.instance.objectNode();
        }
        try {
            return JSON.readTree(v.toString());
        } catch (IOException e) {
            throw new OwuiException("chat " + chatId + " has unreadable JSON in its " + column + " column: " + e.getMessage(),
                    "leave it out of owui.chats, or export it from another backup");
        }
    }

    private static void write(List<ObjectNode> chats, Path out, OutputStream stream) throws IOException {
        if (out == null) {
            JsonGenerator g = JSON.getFactory().createGenerator(stream);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            JSON.writerWithDefaultPrettyPrinter().writeValue(g, chats);
            stream.write('\n');
            stream.flush();
            return;
        }
        Path parent = out.getParent();
        Files.createDirectories(parent);
        // Written whole under a temporary name, then renamed: a failed export leaves no half file,
        // and chats are private (0600) like everything else this tool writes.
        Path tmp = parent.resolve("." + out.getFileName() + ".owui-tmp-" + UUID.randomUUID());
        try {
            try (OutputStream os = PrivateFiles.newOutputStream(tmp)) {
                JSON.writerWithDefaultPrettyPrinter().writeValue(os, chats);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException ignored) {
            // a private temporary file; the OS cleans its temp directory
        }
    }
}
