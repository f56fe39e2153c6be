package dev.owui.backup.testkit;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Schema and row writers for {@code webui.db}, shaped like Open WebUI v0.11 (SQLAlchemy types,
 * JSON as TEXT, booleans as 0/1, times as epoch seconds). Only a subset of the 39 real tables:
 * the ones a backup tool reasons about plus a few ordinary ones so the schema is not trivial.
 */
final class WebUiDb {

    /** Where Open WebUI keeps uploads inside its container; {@code file.path} is absolute. */
    static final String CONTAINER_UPLOADS = "/app/backend/data/uploads/";

    static final String DEFAULT_MODEL = "llama3.1:8b";

    private static final String SCHEMA = """
            CREATE TABLE alembic_version (
                version_num VARCHAR(32) NOT NULL,
                CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
            CREATE TABLE migratehistory (
                id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, migrated_at DATETIME NOT NULL);
            CREATE TABLE user (
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
                meta JSON, access_control JSON, created_at BIGINT NOT NULL, updated_at BIGINT,
                PRIMARY KEY (id));
            CREATE TABLE knowledge_file (
                id TEXT NOT NULL, knowledge_id TEXT NOT NULL, file_id TEXT NOT NULL, user_id TEXT NOT NULL,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (id),
                UNIQUE (knowledge_id, file_id),
                FOREIGN KEY(knowledge_id) REFERENCES knowledge (id) ON DELETE CASCADE,
                FOREIGN KEY(file_id) REFERENCES file (id) ON DELETE CASCADE);
            CREATE TABLE config (
                id INTEGER NOT NULL, key TEXT NOT NULL, value JSON, updated_at BIGINT,
                PRIMARY KEY (id), UNIQUE (key));
            CREATE TABLE folder (
                id TEXT NOT NULL, parent_id TEXT, user_id TEXT NOT NULL, name TEXT NOT NULL, items JSON,
                meta JSON, data JSON, is_expanded BOOLEAN NOT NULL, created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, PRIMARY KEY (id, user_id));
            CREATE TABLE tag (
                id VARCHAR(255) NOT NULL, name VARCHAR(255) NOT NULL, user_id VARCHAR(255) NOT NULL,
                meta JSON, CONSTRAINT pk_id_user_id PRIMARY KEY (id, user_id));
            CREATE INDEX user_id_idx ON tag (user_id);
            CREATE TABLE memory (
                id VARCHAR(255) NOT NULL, user_id VARCHAR(255) NOT NULL, content TEXT NOT NULL,
                updated_at BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (id));
            CREATE TABLE model (
                id TEXT NOT NULL, user_id TEXT NOT NULL, base_model_id TEXT, name TEXT NOT NULL,
                params JSON NOT NULL, meta JSON NOT NULL, access_control JSON,
                is_active BOOLEAN DEFAULT 1 NOT NULL, updated_at BIGINT NOT NULL,
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
                is_global BOOLEAN NOT NULL, updated_at BIGINT NOT NULL, created_at BIGINT NOT NULL,
                PRIMARY KEY (id));
            """;

    /** The peewee-era migrations an upgraded instance still carries in {@code migratehistory}. */
    private static final String[] PEEWEE_MIGRATIONS = {"001_initial_schema", "002_add_local_sharing",
        "003_add_auth_api_key", "004_add_archived", "005_add_updated_at", "006_migrate_timestamps_and_charfields",
        "007_add_user_last_active_at", "008_add_memory", "009_add_models", "010_migrate_modelfiles_to_models",
        "011_add_user_settings", "012_add_tools", "013_add_user_info", "014_add_files", "015_add_functions",
        "016_add_valves_and_is_active", "017_add_user_oauth_sub", "018_add_function_is_global"};

    private WebUiDb() {
    }

    /** Creates a new WAL-mode {@code webui.db} with the schema and the given Alembic revision. */
    static Rows create(Path file, String revision) throws SQLException {
        // synchronous=OFF only speeds up generation; it is not stored in the file.
        Rows rows = Rows.open(file, "journal_mode=WAL", "synchronous=OFF");
        rows.exec(SCHEMA);
        rows.insert("alembic_version", "version_num", revision);
        for (int i = 0; i < PEEWEE_MIGRATIONS.length; i++) {
            rows.insert("migratehistory", "id", i + 1, "name", PEEWEE_MIGRATIONS[i],
                    "migrated_at", "2024-05-1" + (i % 10) + " 09:00:00.000000");
        }
        return rows;
    }

    /** Opens an existing {@code webui.db} with the settings Open WebUI uses. */
    static Rows open(Path file) throws SQLException {
        return Rows.open(file, "busy_timeout=5000", "journal_mode=WAL", "synchronous=NORMAL");
    }

    static void insertUser(Rows rows, String id, String name, String role, long created) throws SQLException {
        String email = name.toLowerCase().replace(' ', '.') + "@example.org";
        rows.insert("user", "id", id, "name", name, "email", email, "role", role,
                "profile_image_url", "/user.png", "last_active_at", created + 86_400 * 30,
                "updated_at", created, "created_at", created,
                "settings", Json.of(Json.obj("ui", Json.obj("models", List.of(DEFAULT_MODEL)))),
                "info", null);
        // A bcrypt-shaped hash: realistic length and alphabet, never a real password.
        rows.insert("auth", "id", id, "email", email,
                "password", "$2b$12$" + Content.sha256Hex(id).substring(0, 53), "active", 1);
    }

    /**
     * Inserts one chat with {@code messages} alternating user/assistant messages, both in the
     * chat JSON (history + messages, as the UI stores it) and as {@code chat_message} rows.
     */
    static void insertChat(Rows rows, Ids ids, String chatId, String userId, String title, int messages,
                           long created, String folderId) throws SQLException {
        Random random = ids.random();
        List<Map<String, Object>> list = new ArrayList<>();
        String parent = null;
        long time = created;
        for (int i = 0; i < messages; i++) {
            boolean user = i % 2 == 0;
            String id = ids.uuid();
            String content = Content.text(random, user ? 15 + random.nextInt(90) : 60 + random.nextInt(300));
            Map<String, Object> m = Json.obj("id", id, "parentId", parent, "childrenIds", new ArrayList<>(),
                    "role", user ? "user" : "assistant", "content", content, "timestamp", time);
            m.put(user ? "models" : "model", user ? List.of(DEFAULT_MODEL) : DEFAULT_MODEL);
            if (!list.isEmpty()) {
                childrenOf(list.get(list.size() - 1)).add(id);
            }
            list.add(m);
            rows.insert("chat_message", "id", id, "chat_id", chatId, "user_id", userId,
                    "role", m.get("role"), "parent_id", parent, "content", content,
                    "model_id", user ? null : DEFAULT_MODEL, "created_at", time, "updated_at", time);
            parent = id;
            time += 5 + random.nextInt(120);
        }
        Map<String, Object> history = Json.obj("messages", byId(list), "currentId", parent);
        String chat = Json.of(Json.obj("id", "", "title", title, "models", List.of(DEFAULT_MODEL),
                "params", Json.obj(), "history", history, "messages", list, "tags", List.of(),
                "timestamp", created * 1000, "files", List.of()));
        rows.insert("chat", "id", chatId, "user_id", userId, "title", title, "chat", chat,
                "created_at", created, "updated_at", time, "share_id", null, "archived", 0,
                "pinned", random.nextInt(10) == 0 ? 1 : 0,
                "meta", Json.of(Json.obj("tags", List.of(random.nextBoolean() ? "work" : "personal"))),
                "folder_id", folderId);
    }

    /**
     * Inserts a {@code file} row the way an upload through the UI leaves it: absolute container
     * path, extracted text in {@code data.content}, and {@code meta.file_hash} over the raw bytes.
     */
    static void insertFile(Rows rows, String id, String userId, String filename, String storedName, long size,
                           String fileHash, String extractedText, long created) throws SQLException {
        Map<String, Object> meta = Json.obj("name", filename, "content_type", contentType(filename),
                "size", size, "data", Json.obj(), "collection_name", "file-" + id, "file_hash", fileHash);
        rows.insert("file", "id", id, "user_id", userId, "hash", Content.sha256Hex(extractedText),
                "filename", filename, "path", CONTAINER_UPLOADS + storedName,
                "data", Json.of(Json.obj("status", "completed", "content", extractedText)),
                "meta", Json.of(meta), "access_control", null, "created_at", created, "updated_at", created);
    }

    /** Per-key config rows (since 0.10.0) and a few workspace items owned by the admin. */
    static void insertConfigAndWorkspace(Rows rows, String adminId, long time) throws SQLException {
        Object[] config = {"version", 0, "ui.enable_signup", false, "ui.default_models", DEFAULT_MODEL,
            "rag.embedding_engine", "", "rag.embedding_model", "sentence-transformers/all-MiniLM-L6-v2",
            "rag.chunk_size", 1000, "rag.chunk_overlap", 100, "audio.tts.engine", "",
            "ollama.base_urls", List.of("http://ollama:11434")};
        for (int i = 0; i < config.length; i += 2) {
            rows.insert("config", "id", i / 2 + 1, "key", config[i], "value", Json.of(config[i + 1]),
                    "updated_at", time);
        }
        rows.insert("model", "id", "research-assistant", "user_id", adminId, "base_model_id", DEFAULT_MODEL,
                "name", "Research Assistant", "params", Json.of(Json.obj("system", "You cite sources.")),
                "meta", Json.of(Json.obj("description", "Answers from the team knowledge base")),
                "access_control", null, "is_active", 1, "updated_at", time, "created_at", time);
        rows.insert("prompt", "command", "/summarize", "user_id", adminId, "title", "Summarize",
                "content", "Summarize the following text in five bullet points:\n{{CLIPBOARD}}",
                "timestamp", time, "access_control", null);
        rows.insert("tool", "id", "web_fetch", "user_id", adminId, "name", "Web fetch",
                "content", "class Tools:\n    def fetch(self, url: str) -> str:\n        return url\n",
                "specs", Json.of(List.of(Json.obj("name", "fetch"))), "meta", Json.of(Json.obj()),
                "valves", null, "access_control", null, "updated_at", time, "created_at", time);
        rows.insert("function", "id", "pii_filter", "user_id", adminId, "name", "PII filter", "type", "filter",
                "content", "class Filter:\n    def inlet(self, body: dict) -> dict:\n        return body\n",
                "meta", Json.of(Json.obj("description", "Masks e-mail addresses")), "valves", null,
                "is_active", 1, "is_global", 0, "updated_at", time, "created_at", time);
        for (String tag : new String[] {"work", "personal"}) {
            rows.insert("tag", "id", tag, "name", tag, "user_id", adminId, "meta", null);
        }
    }

    static String contentType(String name) {
        String n = name.toLowerCase();
        if (n.endsWith(".pdf")) {
            return "application/pdf";
        } else if (n.endsWith(".md")) {
            return "text/markdown";
        } else if (n.endsWith(".csv")) {
            return "text/csv";
        } else if (n.endsWith(".docx")) {
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        } else if (n.endsWith(".png")) {
            return "image/png";
        }
        return "text/plain";
    }

    @SuppressWarnings("unchecked")
    private static List<Object> childrenOf(Map<String, Object> message) {
        return (List<Object>) message.get("childrenIds");
    }

    private static Map<String, Object> byId(List<Map<String, Object>> list) {
        Map<String, Object> map = Json.obj();
        for (Map<String, Object> m : list) {
            map.put((String) m.get("id"), m);
        }
        return map;
    }
}
