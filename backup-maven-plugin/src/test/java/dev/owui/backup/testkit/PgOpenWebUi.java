package dev.owui.backup.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An Open WebUI database in PostgreSQL, as Open WebUI v0.11's SQLAlchemy models create it there:
 * the same tables and columns as the SQLite generator ({@link WebUiDb}), with PostgreSQL's types
 * (JSON as {@code json}, booleans as {@code boolean}, times as {@code bigint} epoch seconds), plus
 * the channel {@code message} table. Rows are seeded: one seed gives the same rows.
 */
public final class PgOpenWebUi {
    /** Open WebUI v0.11.0's Alembic head. */
    public static final String REVISION = "f0bd01a18a3d";

    private static final String SCHEMA = """
            CREATE TABLE alembic_version (
                version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
            CREATE TABLE "user" (
                id VARCHAR(255) NOT NULL, name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL,
                role VARCHAR(255) NOT NULL, profile_image_url TEXT NOT NULL, last_active_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, created_at BIGINT NOT NULL, api_key VARCHAR(255), settings JSON,
                info JSON, oauth_sub TEXT, username VARCHAR(50), bio TEXT, gender TEXT, date_of_birth DATE,
                PRIMARY KEY (id), UNIQUE (api_key), UNIQUE (oauth_sub));
            CREATE TABLE auth (
                id VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL, password TEXT NOT NULL,
                active BOOLEAN NOT NULL, PRIMARY KEY (id));
            CREATE TABLE chat (
                id VARCHAR(255) NOT NULL, user_id VARCHAR(255) NOT NULL, title TEXT NOT NULL, chat JSON,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, share_id VARCHAR(255),
                archived BOOLEAN NOT NULL, pinned BOOLEAN, meta JSON DEFAULT '{}' NOT NULL, folder_id TEXT,
                PRIMARY KEY (id), UNIQUE (share_id));
            CREATE INDEX folder_id_idx ON chat (folder_id);
            CREATE INDEX user_id_pinned_idx ON chat (user_id, pinned);
            CREATE INDEX user_id_archived_idx ON chat (user_id, archived);
            CREATE INDEX updated_at_user_id_idx ON chat (updated_at, user_id);
            CREATE TABLE chat_message (
                id TEXT NOT NULL, chat_id TEXT NOT NULL, user_id TEXT, role TEXT NOT NULL, parent_id TEXT,
                content TEXT, model_id TEXT, created_at BIGINT NOT NULL, updated_at BIGINT,
                PRIMARY KEY (id), FOREIGN KEY(chat_id) REFERENCES chat (id) ON DELETE CASCADE);
            CREATE INDEX chat_message_chat_id_idx ON chat_message (chat_id);
            CREATE TABLE file (
                id TEXT NOT NULL, user_id TEXT NOT NULL, hash TEXT, filename TEXT NOT NULL, path TEXT,
                data JSON, meta JSON, access_control JSON, created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (id));
            CREATE TABLE knowledge (
                id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT, data JSON,
                meta JSON, access_control JSON, created_at BIGINT NOT NULL, updated_at BIGINT, PRIMARY KEY (id));
            CREATE TABLE knowledge_file (
                id TEXT NOT NULL, knowledge_id TEXT NOT NULL, file_id TEXT NOT NULL, user_id TEXT NOT NULL,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (id),
                UNIQUE (knowledge_id, file_id),
                FOREIGN KEY(knowledge_id) REFERENCES knowledge (id) ON DELETE CASCADE,
                FOREIGN KEY(file_id) REFERENCES file (id) ON DELETE CASCADE);
            CREATE TABLE config (
                id SERIAL NOT NULL, key TEXT NOT NULL, value JSON, updated_at BIGINT, PRIMARY KEY (id), UNIQUE (key));
            CREATE TABLE folder (
                id TEXT NOT NULL, parent_id TEXT, user_id TEXT NOT NULL, name TEXT NOT NULL, items JSON,
                meta JSON, data JSON, is_expanded BOOLEAN NOT NULL, created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (id, user_id));
            CREATE TABLE tag (
                id VARCHAR(255) NOT NULL, name VARCHAR(255) NOT NULL, user_id VARCHAR(255) NOT NULL,
                meta JSON, CONSTRAINT pk_id_user_id PRIMARY KEY (id, user_id));
            CREATE TABLE memory (
                id VARCHAR(255) NOT NULL, user_id VARCHAR(255) NOT NULL, content TEXT NOT NULL,
                updated_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (id));
            CREATE TABLE model (
                id TEXT NOT NULL, user_id TEXT NOT NULL, base_model_id TEXT, name TEXT NOT NULL,
                params JSON NOT NULL, meta JSON NOT NULL, access_control JSON,
                is_active BOOLEAN DEFAULT true NOT NULL, updated_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL, PRIMARY KEY (id));
            CREATE TABLE prompt (
                command VARCHAR(255) NOT NULL, user_id VARCHAR(255) NOT NULL, title TEXT NOT NULL,
                content TEXT NOT NULL, timestamp BIGINT NOT NULL, access_control JSON, PRIMARY KEY (command));
            CREATE TABLE tool (
                id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, content TEXT NOT NULL,
                specs JSON NOT NULL, meta JSON NOT NULL, valves JSON, access_control JSON,
                updated_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (id));
            CREATE TABLE function (
                id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
                content TEXT NOT NULL, meta JSON NOT NULL, valves JSON, is_active BOOLEAN NOT NULL,
                is_global BOOLEAN NOT NULL, updated_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (id));
            CREATE TABLE channel (
                id TEXT NOT NULL, user_id TEXT NOT NULL, type TEXT, name TEXT NOT NULL, description TEXT,
                data JSON, meta JSON, access_control JSON, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                PRIMARY KEY (id), UNIQUE (name));
            CREATE TABLE message (
                id TEXT NOT NULL, user_id TEXT, channel_id TEXT, parent_id TEXT, content TEXT, data JSON,
                meta JSON, created_at BIGINT, updated_at BIGINT, PRIMARY KEY (id));
            """;

    /** What {@link #create} wrote. */
    public record Summary(List<String> userIds, List<String> chatIds, List<String> fileIds, List<String> uploadPaths,
                          int messages) {
    }

    private PgOpenWebUi() {
    }

    /**
     * The usual test instance's database: {@code name} on {@code server}, owned by the application
     * role, filled with seed 42, 3 users, {@code chats} chats of 4 messages and 5 uploads.
     */
    public static Summary createDatabase(PostgresServer server, String name, int chats) throws SQLException {
        return createDatabase(server, name, 42, 3, chats, 4, 5);
    }

    /** A new database {@code name} on {@code server}, owned by the application role, filled by {@link #create}. */
    public static Summary createDatabase(PostgresServer server, String name, long seed, int users, int chats, int messagesPerChat,
                                         int files) throws SQLException {
        try (Connection c = server.connectSuper("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " OWNER " + PostgresServer.APP_ROLE);
        }
        try (Connection c = server.connect(name)) {
            return create(c, seed, users, chats, messagesPerChat, files);
        }
    }

    /**
     * Writes the uploads {@code sum}'s rows name under {@code data} (each holds "the bytes of" its path):
     * the data directory of an instance whose database is in PostgreSQL, so it has no webui.db.
     */
    public static Path writeUploads(Summary sum, Path data) throws IOException {
        Files.createDirectories(data);
        for (String upload : sum.uploadPaths()) {
            Path f = data.resolve(upload);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "the bytes of " + upload);
        }
        return data;
    }

    /**
     * Creates the schema in {@code c}'s database and fills it: {@code users} users, {@code chats}
     * chats each with {@code messagesPerChat} messages, {@code files} uploads (absolute container
     * paths, as Open WebUI stores them), config rows and a few workspace items.
     */
    public static Summary create(Connection c, long seed, int users, int chats, int messagesPerChat, int files) throws SQLException {
        Ids ids = new Ids(new Random(seed));
        Random random = ids.random();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(SCHEMA);
        }
        insert(c, "alembic_version", new String[] {"version_num"}, REVISION);
        List<String> userIds = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String id = ids.uuid();
            userIds.add(id);
            long created = ids.time(30);
            String name = "User " + (u + 1);
            String email = "user" + (u + 1) + "@example.org";
            insert(c, "\"user\"", new String[] {"id", "name", "email", "role", "profile_image_url", "last_active_at", "updated_at",
                "created_at", "settings"}, id, name, email, u == 0 ? "admin" : "user", "/user.png", created + 86_400, created, created,
                json(Json.of(Json.obj("ui", Json.obj("models", List.of(WebUiDb.DEFAULT_MODEL))))));
            insert(c, "auth", new String[] {"id", "email", "password", "active"}, id, email,
                    "$2b$12$" + Content.sha256Hex(id).substring(0, 53), true);
        }
        List<String> chatIds = new ArrayList<>();
        int messages = 0;
        for (int i = 0; i < chats; i++) {
            String chatId = ids.uuid();
            chatIds.add(chatId);
            String userId = userIds.get(i % users);
            long time = ids.time(90);
            String parent = null;
            List<Object> list = new ArrayList<>();
            List<Object[]> rows = new ArrayList<>();
            for (int m = 0; m < messagesPerChat; m++) {
                String id = ids.uuid();
                boolean user = m % 2 == 0;
                String content = Content.text(random, user ? 20 + random.nextInt(80) : 80 + random.nextInt(300));
                rows.add(new Object[] {id, chatId, userId, user ? "user" : "assistant", parent, content,
                    user ? null : WebUiDb.DEFAULT_MODEL, time, time});
                list.add(Json.obj("id", id, "parentId", parent, "role", user ? "user" : "assistant", "content", content, "timestamp", time));
                parent = id;
                time += 5 + random.nextInt(120);
                messages++;
            }
            insert(c, "chat", new String[] {"id", "user_id", "title", "chat", "created_at", "updated_at", "archived", "pinned", "meta"},
                    chatId, userId, "Chat " + (i + 1), json(Json.of(Json.obj("title", "Chat " + (i + 1), "messages", list))),
                    time, time, false, random.nextInt(10) == 0, json("{}"));
            for (Object[] row : rows) { // after their chat: chat_message.chat_id references it
                insert(c, "chat_message", new String[] {"id", "chat_id", "user_id", "role", "parent_id", "content", "model_id",
                    "created_at", "updated_at"}, row);
            }
        }
        List<String> fileIds = new ArrayList<>();
        List<String> uploadPaths = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            String id = ids.uuid();
            String name = "notes-" + f + ".md";
            String stored = id + "_" + name;
            fileIds.add(id);
            uploadPaths.add("uploads/" + stored);
            long created = ids.time(90);
            String text = Content.text(random, 200);
            insert(c, "file", new String[] {"id", "user_id", "hash", "filename", "path", "data", "meta", "created_at", "updated_at"},
                    id, userIds.get(f % users), Content.sha256Hex(text), name, WebUiDb.CONTAINER_UPLOADS + stored,
                    json(Json.of(Json.obj("status", "completed", "content", text))),
                    json(Json.of(Json.obj("name", name, "content_type", "text/markdown", "size", 1000 + f, "collection_name", "file-" + id))),
                    created, created);
        }
        String admin = userIds.get(0);
        long t = Ids.EPOCH;
        insert(c, "config", new String[] {"key", "value", "updated_at"}, "version", json("0"), t);
        insert(c, "config", new String[] {"key", "value", "updated_at"}, "ui.enable_signup", json("false"), t);
        insert(c, "knowledge", new String[] {"id", "user_id", "name", "description", "created_at", "updated_at"},
                "kb-1", admin, "Team handbook", "How we work", t, t);
        insert(c, "model", new String[] {"id", "user_id", "base_model_id", "name", "params", "meta", "updated_at", "created_at"},
                "research-assistant", admin, WebUiDb.DEFAULT_MODEL, "Research Assistant", json("{}"), json("{}"), t, t);
        insert(c, "channel", new String[] {"id", "user_id", "type", "name", "created_at", "updated_at"}, "general", admin, null, "general", t, t);
        insert(c, "message", new String[] {"id", "user_id", "channel_id", "content", "created_at", "updated_at"},
                ids.uuid(), admin, "general", "Welcome to the team channel", t, t);
        c.commit();
        c.setAutoCommit(auto);
        return new Summary(userIds, chatIds, fileIds, uploadPaths, messages);
    }

    /**
     * A pgvector database as Open WebUI's pgvector client lays it out ({@code document_chunk}:
     * id, vector, collection_name, text, vmetadata). Debian 12 has no pgvector package, so the
     * {@code vector(n)} column is a {@code real[]} here: the same rows and sizes for a dump, without
     * the extension. Returns the number of chunks written.
     */
    public static int createPgvectorStandIn(Connection c, long seed, int collections, int chunksPerCollection, int dimension)
            throws SQLException {
        Ids ids = new Ids(new Random(seed));
        Random random = ids.random();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE document_chunk (id TEXT NOT NULL PRIMARY KEY, vector REAL[] NOT NULL,"
                    + " collection_name TEXT NOT NULL, text TEXT, vmetadata JSONB)");
            s.execute("CREATE INDEX idx_document_chunk_collection_name ON document_chunk (collection_name)");
        }
        int n = 0;
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO document_chunk (id, vector, collection_name, text, vmetadata)"
                + " VALUES (?, ?, ?, ?, ?::jsonb)")) {
            for (int k = 0; k < collections; k++) {
                String collection = "file-" + ids.uuid();
                for (int i = 0; i < chunksPerCollection; i++) {
                    Float[] v = new Float[dimension];
                    for (int d = 0; d < dimension; d++) {
                        v[d] = (float) random.nextGaussian();
                    }
                    ins.setString(1, ids.uuid());
                    ins.setArray(2, c.createArrayOf("real", v));
                    ins.setString(3, collection);
                    ins.setString(4, Content.chunk(random));
                    ins.setString(5, Json.of(Json.obj("source", collection, "start_index", i * 1000)));
                    ins.addBatch();
                    n++;
                }
            }
            ins.executeBatch();
        }
        c.commit();
        c.setAutoCommit(auto);
        return n;
    }

    /** A value to bind as {@code json} (pgjdbc binds a String as varchar, which json refuses). */
    private static Object json(String text) {
        return new JsonText(text);
    }

    private record JsonText(String text) {
    }

    private static void insert(Connection c, String table, String[] columns, Object... values) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (");
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            sql.append(i == 0 ? "" : ", ").append(columns[i]);
            marks.append(i == 0 ? "" : ", ").append(values[i] instanceof JsonText ? "?::json" : "?");
        }
        sql.append(") VALUES (").append(marks).append(')');
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.length; i++) {
                Object v = values[i];
                s.setObject(i + 1, v instanceof JsonText j ? j.text() : v);
            }
            s.executeUpdate();
        }
    }
}
