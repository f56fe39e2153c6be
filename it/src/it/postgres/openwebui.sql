-- The tables of Open WebUI v0.11's database in PostgreSQL that the backup reads (alembic_version,
-- the counted user/chat/chat_message/file/knowledge, and file's paths for the uploads cross-check),
-- plus auth and config, as its SQLAlchemy models create them (the same DDL as the plugin's
-- testkit/PgOpenWebUi). A few rows; the IT's writer adds chats while the backup runs.
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
CREATE TABLE config (
    id SERIAL NOT NULL, key TEXT NOT NULL, value JSON, updated_at BIGINT, PRIMARY KEY (id), UNIQUE (key));

-- Open WebUI v0.11.0's Alembic head.
INSERT INTO alembic_version VALUES ('f0bd01a18a3d');
INSERT INTO "user" (id, name, email, role, profile_image_url, last_active_at, updated_at, created_at, settings) VALUES
    ('9a1c3f52-0b7e-4a8e-9d61-2f4b8e0c1a11', 'Ada Admin', 'ada@example.org', 'admin', '/user.png', 1767225600, 1767225600, 1767139200, '{"ui":{}}'),
    ('4be0d6a9-71c2-4f0f-8a35-6d9e2b7c3f22', 'Bo User', 'bo@example.org', 'user', '/user.png', 1767225600, 1767225600, 1767139200, '{"ui":{}}');
INSERT INTO auth (id, email, password, active) VALUES
    ('9a1c3f52-0b7e-4a8e-9d61-2f4b8e0c1a11', 'ada@example.org', '$2b$12$itonlyitonlyitonlyitonlyitonlyitonlyitonlyitonlyitonl', true),
    ('4be0d6a9-71c2-4f0f-8a35-6d9e2b7c3f22', 'bo@example.org', '$2b$12$itonlyitonlyitonlyitonlyitonlyitonlyitonlyitonlyitonl', true);
INSERT INTO chat (id, user_id, title, chat, created_at, updated_at, archived, pinned, meta) VALUES
    ('seed-chat-1', '9a1c3f52-0b7e-4a8e-9d61-2f4b8e0c1a11', 'Release plan', '{"title":"Release plan","messages":[]}', 1767139300, 1767139400, false, true, '{}'),
    ('seed-chat-2', '4be0d6a9-71c2-4f0f-8a35-6d9e2b7c3f22', 'Recipe ideas', '{"title":"Recipe ideas","messages":[]}', 1767139500, 1767139600, false, false, '{}');
INSERT INTO chat_message (id, chat_id, user_id, role, parent_id, content, model_id, created_at, updated_at) VALUES
    ('seed-msg-1', 'seed-chat-1', '9a1c3f52-0b7e-4a8e-9d61-2f4b8e0c1a11', 'user', NULL, 'What ships on Friday?', NULL, 1767139300, 1767139300),
    ('seed-msg-2', 'seed-chat-1', '9a1c3f52-0b7e-4a8e-9d61-2f4b8e0c1a11', 'assistant', 'seed-msg-1', 'The backup plugin.', 'llama3.1:8b', 1767139310, 1767139310),
    ('seed-msg-3', 'seed-chat-2', '4be0d6a9-71c2-4f0f-8a35-6d9e2b7c3f22', 'user', NULL, 'Something with lentils?', NULL, 1767139500, 1767139500);
-- The uploads prebuild.groovy writes into data/uploads/, named <id>_<filename> as Open WebUI stores them.
INSERT INTO file (id, user_id, hash, filename, path, data, meta, created_at, updated_at) VALUES
    ('0d6f1e7a-5c44-4f7e-b3a2-8e1f9c2d4b01', '9a1c3f52-0b7e-4a8e-9d61-2f4b8e0c1a11', NULL, 'handbook.md',
     '/app/backend/data/uploads/0d6f1e7a-5c44-4f7e-b3a2-8e1f9c2d4b01_handbook.md', '{"status":"completed"}',
     '{"name":"handbook.md","content_type":"text/markdown"}', 1767139700, 1767139700),
    ('7c2a9b44-13d8-4e6f-a0c5-3b7d5e9f1a02', '4be0d6a9-71c2-4f0f-8a35-6d9e2b7c3f22', NULL, 'lentils.txt',
     '/app/backend/data/uploads/7c2a9b44-13d8-4e6f-a0c5-3b7d5e9f1a02_lentils.txt', '{"status":"completed"}',
     '{"name":"lentils.txt","content_type":"text/plain"}', 1767139800, 1767139800);
INSERT INTO knowledge (id, user_id, name, description, created_at, updated_at) VALUES
    ('kb-1', '9a1c3f52-0b7e-4a8e-9d61-2f4b8e0c1a11', 'Team handbook', 'How we work', 1767139900, 1767139900);
INSERT INTO config (key, value, updated_at) VALUES ('version', '0', 1767139900), ('ui.enable_signup', 'false', 1767139900);
