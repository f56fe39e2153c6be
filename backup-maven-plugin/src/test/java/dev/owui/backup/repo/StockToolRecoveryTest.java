package dev.owui.backup.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.codec.DecryptionKeys;
import dev.owui.backup.codec.EncryptionKeys;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.backup.Entry;
import dev.owui.backup.repo.backup.EntryIterator;
import dev.owui.backup.repo.engine.RepoBackupRunner;
import dev.owui.backup.repo.objects.ObjectNames;
import dev.owui.backup.repo.restore.RepoRestore;
import dev.owui.backup.repo.store.LocalObjectStore;
import dev.owui.backup.repo.store.ObjectStore;
import dev.owui.backup.repo.store.S3ObjectStore;
import dev.owui.backup.external.ExternalObject;
import dev.owui.backup.external.StorageProvider;
import dev.owui.backup.postgres.PgFacts;
import dev.owui.backup.postgres.PgSource;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.Credentials;
import dev.owui.backup.store.s3.S3Access;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import dev.owui.backup.testkit.PgOpenWebUi;
import dev.owui.backup.testkit.PostgresServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * FORMAT.md promises that a format 3 backup can be restored without this tool. This test makes
 * real backups with the engine (a generated instance, then a second day of changes, so the
 * databases are an image plus page sets), runs {@code recovery/restore-format3.sh} with plain
 * bash, and compares what it restores, byte for byte with modes and times, with what
 * {@link RepoRestore} restores: from a folder (plain storage, and zstd+pgp with a passphrase and
 * encrypted chunks) and from S3 through rclone (S3Proxy). What lies outside the data directory is
 * written beside it: a PostgreSQL instance's dumps (a real server; pg_restore of what the script
 * wrote gives the same rows), also an entry whose content is in several {@code chunks}, and
 * uploads kept in object storage (S3Proxy as Open WebUI's provider).
 */
class StockToolRecoveryTest {
    private static final Path SCRIPT = Path.of("..", "recovery", "restore-format3.sh").toAbsolutePath().normalize();
    private static final String INSTANCE = "open-webui";
    private static final String PASSPHRASE = "correct horse battery staple 7";

    @TempDir
    Path tmp;

    private final EngineLog log = new EngineLog() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
        }
    };

    private static void assumeTools(String... tools) {
        for (String t : tools) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin", t)), "needs " + t + " (apt-get install " + t + "; .ci/run installs it)");
        }
    }

    @Test
    void aPlainBackupInAFolderRestoresWithStockTools() throws Exception {
        assumeTools("jq", "zstd");
        Path target = tmp.resolve("target");
        try (ObjectStore store = new LocalObjectStore(target)) {
            Repository repo = twoDays(store, CodecSettings.plain());
            Result r = runScript(Map.of(), target.resolve(INSTANCE).toString(), "latest");
            assertEquals(0, r.code, r.output);
            assertSameTree(restoreWithTheTool(repo, DecryptionKeys.none()), tmp.resolve("script"));
            assertArrayEquals(Files.readAllBytes(tmp.resolve("ref-secret")), Files.readAllBytes(tmp.resolve("script-secret")));

            // A flipped byte in a file's object: the script names it and fails.
            Entry file = entries(repo, DecryptionKeys.none()).stream().filter(e -> Entry.FILE.equals(e.type())).findFirst().orElseThrow();
            Path object = target.resolve(INSTANCE).resolve(ObjectNames.relativeKey(file.object()));
            byte[] b = Files.readAllBytes(object);
            b[0] ^= 1;
            Files.write(object, b);
            Result bad = runScript(Map.of(), target.resolve(INSTANCE).toString(), "latest", "bad");
            assertNotEquals(0, bad.code, bad.output);
            assertTrue(bad.output.contains("object " + file.object() + " is damaged"), bad.output);
        }
    }

    @Test
    void anEncryptedBackupInAFolderRestoresWithGpgAndAPassphraseFile() throws Exception {
        assumeTools("jq", "zstd", "gpg");
        Path target = tmp.resolve("target");
        try (ObjectStore store = new LocalObjectStore(target)) {
            CodecSettings enc = new CodecSettings(true, 3, EncryptionKeys.of(PASSPHRASE.toCharArray(), List.of()), true);
            DecryptionKeys keys = DecryptionKeys.of(PASSPHRASE.toCharArray(), null);
            Repository repo = twoDays(store, enc, keys);
            assertEquals("zstd+pgp", repo.backups().head(repo.backups().list().get(1)).chunkStorage());
            assertTrue(entries(repo, keys).stream().anyMatch(e -> "zstd+pgp".equals(e.storage())), "contents are zstd+pgp");

            Path pass = tmp.resolve("passphrase");
            Files.writeString(pass, PASSPHRASE);
            Path gnupg = Files.createDirectories(tmp.resolve("gnupg"));
            Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
            Result r = runScript(Map.of("OWUI_PASSPHRASE_FILE", pass.toString(), "GNUPGHOME", gnupg.toString()),
                    target.resolve(INSTANCE).toString(), repo.backups().list().get(1));
            assertEquals(0, r.code, r.output);
            assertSameTree(restoreWithTheTool(repo, keys), tmp.resolve("script"));
            assertArrayEquals(Files.readAllBytes(tmp.resolve("ref-secret")), Files.readAllBytes(tmp.resolve("script-secret")));
        }
    }

    @Test
    void aBackupOnS3RestoresWithRclone() throws Exception {
        assumeTools("jq", "zstd", "rclone");
        try (S3Server server = S3Server.start(tmp.resolve("s3"));
             ObjectStore store = S3ObjectStore.open(server.spec("s3://backups/team"), S3Server.context())) {
            Repository repo = twoDays(store, CodecSettings.zstd(3));
            // rclone takes the whole remote from the environment: no config file is written
            Map<String, String> env = Map.of(
                    "RCLONE_CONFIG", "/dev/null",
                    "RCLONE_CONFIG_OWUIS3_TYPE", "s3",
                    "RCLONE_CONFIG_OWUIS3_PROVIDER", "Other",
                    "RCLONE_CONFIG_OWUIS3_ENDPOINT", server.endpoint(),
                    "RCLONE_CONFIG_OWUIS3_ACCESS_KEY_ID", S3Server.ACCESS_KEY,
                    "RCLONE_CONFIG_OWUIS3_SECRET_ACCESS_KEY", S3Server.SECRET_KEY,
                    "RCLONE_CONFIG_OWUIS3_FORCE_PATH_STYLE", "true");
            Result r = runScript(env, "owuis3:backups/team/" + INSTANCE, "latest", "script", true);
            assertEquals(0, r.code, r.output);
            assertTrue(r.output.contains("backup " + repo.backups().list().get(1)), "latest is the second day: " + r.output);
            assertSameTree(restoreWithTheTool(repo, DecryptionKeys.none()), tmp.resolve("script"));
            assertArrayEquals(Files.readAllBytes(tmp.resolve("ref-secret")), Files.readAllBytes(tmp.resolve("script-secret")));
        }
    }

    /**
     * A PostgreSQL instance, custom and directory format: the script writes the dumps beside the
     * data directory, prints the pg_restore line, and pg_restore of what it wrote into an empty
     * database gives the source's row counts.
     */
    @Test
    void aPostgresInstancesDumpsAreWrittenBesideTheDataDirectoryAndRestoreWithPgRestore() throws Exception {
        assumeTools("jq", "zstd", "pg_restore");
        try (PostgresServer server = PostgresServer.start()) {
            Map<String, Long> counts = pgInstance(server, "src");
            for (String format : List.of("custom", "directory")) {
                PgSource source = PgSource.of(server.appUrl("src"));
                Path target = tmp.resolve("pg-target-" + format);
                try (ObjectStore store = new LocalObjectStore(target)) {
                    Repository repo = Repository.open(store, INSTANCE, tmp.resolve("scratch"), log);
                    new RepoBackupRunner(log).run(repo, new RepoBackupRunner.Options(tmp.resolve("data"), INSTANCE, CodecSettings.zstd(3), false,
                            tmp.resolve("staging")).withPostgres("custom".equals(format) ? source : source.directory(2)));
                }
                String out = "pg-" + format;
                Result r = runScript(Map.of(), target.resolve(INSTANCE).toString(), "latest", out);
                assertEquals(0, r.code, r.output);
                Path dump = tmp.resolve(out + ".postgres").resolve("openwebui.dump");
                assertEquals("custom".equals(format), Files.isRegularFile(dump), format + ": " + r.output);
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dump.getParent())), "only the owner reads a dump");
                assertFalse(Files.exists(tmp.resolve(out).resolve("_outside-data-dir")), "never inside the data directory");
                assertTrue(r.output.contains("createdb -T template0 openwebui && pg_restore --no-owner --exit-on-error "
                        + ("custom".equals(format) ? "--single-transaction" : "-j 4") + " -d openwebui " + dump), r.output);
                assertTrue(r.output.contains("pg_restore " + server.major() + " or newer"), r.output);
                assertTrue(Files.isDirectory(tmp.resolve(out).resolve("uploads")), "the data directory is restored too");
                assertEquals(counts, pgRestore(server, dump, "restored_" + format));
            }
        }
    }

    /**
     * A pg-dump entry whose content is in {@code chunks} (FORMAT.md: decoded each, concatenated in
     * order). The engine does not write that shape yet, so the test rewrites a real backup's entry
     * into three chunks, as another writer would; then a damaged chunk and a wrong order fail.
     */
    @Test
    void aDumpEntryInChunksIsConcatenatedAndCheckedAsAWhole() throws Exception {
        assumeTools("jq", "zstd", "pg_restore");
        try (PostgresServer server = PostgresServer.start()) {
            Map<String, Long> counts = pgInstance(server, "src");
            Path target = tmp.resolve("pg-target");
            try (ObjectStore store = new LocalObjectStore(target)) {
                Repository repo = Repository.open(store, INSTANCE, tmp.resolve("scratch"), log);
                new RepoBackupRunner(log).run(repo, new RepoBackupRunner.Options(tmp.resolve("data"), INSTANCE, CodecSettings.zstd(3), false,
                        tmp.resolve("staging")).withPostgres(PgSource.of(server.appUrl("src"))));
            }
            Path instance = target.resolve(INSTANCE);
            List<String> parts = chunkTheDump(instance, false);
            assertEquals(3, parts.size());
            Result r = runScript(Map.of(), instance.toString(), "latest", "chunked");
            assertEquals(0, r.code, r.output);
            Path dump = tmp.resolve("chunked.postgres/openwebui.dump");
            assertEquals(counts, pgRestore(server, dump, "restored_chunked"));

            // the same chunks in another order: each object is sound, the whole is not the dump
            chunkTheDump(instance, true);
            Result swapped = runScript(Map.of(), instance.toString(), "latest", "swapped");
            assertNotEquals(0, swapped.code, swapped.output);
            assertTrue(swapped.output.contains("openwebui.dump does not have the backup's SHA-256"), swapped.output);

            // a damaged chunk object: named, and the script stops
            Path object = instance.resolve(ObjectNames.relativeKey(parts.get(1)));
            byte[] b = Files.readAllBytes(object);
            b[b.length / 2] ^= 1;
            Files.write(object, b);
            Result bad = runScript(Map.of(), instance.toString(), "latest", "bad");
            assertNotEquals(0, bad.code, bad.output);
            assertTrue(bad.output.contains("object " + parts.get(1) + " is damaged"), bad.output);
        }
    }

    /**
     * Uploads Open WebUI keeps in S3 (S3Proxy as its provider): the script writes them as files
     * beside the data directory, byte for byte, and prints how to put them back.
     */
    @Test
    void uploadsInObjectStorageAreWrittenBesideTheDataDirectory() throws Exception {
        assumeTools("jq", "zstd");
        String bucket = "owui-uploads";
        try (S3Server server = S3Server.start(tmp.resolve("s3"), 0, bucket)) {
            StorageProvider provider = StorageProvider.s3(server.endpoint(), null, null, S3Server.SERVER_ID,
                    new Credentials(S3Server.ACCESS_KEY, S3Server.SECRET_KEY, null, null));
            Path data = tmp.resolve("data");
            OpenWebUiFixture.at(data).seed(3).users(2).chatsPerUser(2).uploads(3).build();
            Map<String, byte[]> objects = new TreeMap<>();
            Random random = new Random(5);
            for (String name : List.of("3f1c_report.pdf", "9a2e_notes (draft).txt", "b7d0_ünïcode name.md")) {
                byte[] b = new byte[1000 + random.nextInt(50_000)];
                random.nextBytes(b);
                objects.put("uploads/" + name, b);
            }
            try (S3Access a = S3Access.open(server.spec("s3://" + bucket), S3Server.context())) {
                objects.forEach((k, b) -> a.client().putObject(q -> q.bucket(bucket).key(k), RequestBody.fromBytes(b)));
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("webui.db"));
                 PreparedStatement s = c.prepareStatement("INSERT INTO file (id, user_id, filename, path, created_at, updated_at) VALUES (?, 'u', ?, ?, 1, 1)")) {
                int i = 0;
                for (String k : objects.keySet()) {
                    s.setString(1, "ext" + i++);
                    s.setString(2, k.substring(k.lastIndexOf('/') + 1));
                    s.setString(3, "s3://" + bucket + "/" + k);
                    s.executeUpdate();
                }
            }
            Path target = tmp.resolve("target");
            try (ObjectStore store = new LocalObjectStore(target)) {
                Repository repo = Repository.open(store, INSTANCE, tmp.resolve("scratch"), log);
                new RepoBackupRunner(log).objectStorage(provider).run(repo,
                        new RepoBackupRunner.Options(data, INSTANCE, CodecSettings.zstd(3), false, tmp.resolve("staging")));
                assertEquals(objects.size(), entries(repo, DecryptionKeys.none()).stream().filter(e -> Entry.EXTERNAL.equals(e.type())).count());
            }
            // OUT_DIR with a trailing slash: the objects still go beside it, not into it
            ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), target.resolve(INSTANCE).toString(), "latest",
                    tmp.resolve("script") + "/").redirectErrorStream(true);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), output);
            Path beside = tmp.resolve("script.object-storage/s3").resolve(bucket);
            for (Map.Entry<String, byte[]> o : objects.entrySet()) {
                assertArrayEquals(o.getValue(), Files.readAllBytes(beside.resolve(o.getKey())), o.getKey());
            }
            try (Stream<Path> w = Files.walk(tmp.resolve("script.object-storage"))) {
                assertEquals(objects.size(), w.filter(Files::isRegularFile).count(), "only the objects");
            }
            assertFalse(Files.exists(tmp.resolve("script/_outside-data-dir")), "never inside the data directory");
            assertTrue(ExternalObject.ROOT.startsWith("_outside-data-dir/"), ExternalObject.ROOT);
            assertTrue(Files.isRegularFile(tmp.resolve("script/webui.db")));
            assertTrue(output.contains("aws s3 cp --recursive " + beside + " s3://" + bucket + "/"), output);

            // a non-empty sibling is refused before anything is written
            Files.createDirectories(tmp.resolve("again.object-storage/left-over"));
            Result refused = runScript(Map.of(), target.resolve(INSTANCE).toString(), "latest", "again");
            assertNotEquals(0, refused.code, refused.output);
            assertTrue(refused.output.contains("again.object-storage is not an empty folder"), refused.output);
            assertFalse(Files.exists(tmp.resolve("again")), "nothing was written");
        }
    }

    /** A database "name" filled by the generator, and a data directory without webui.db holding its uploads; its counts. */
    private Map<String, Long> pgInstance(PostgresServer server, String name) throws Exception {
        PgOpenWebUi.writeUploads(PgOpenWebUi.createDatabase(server, name, 12), tmp.resolve("data"));
        return pgCounts(server, name);
    }

    private static Map<String, Long> pgCounts(PostgresServer server, String db) throws Exception {
        try (Connection c = server.connect(db)) {
            return PgFacts.read(c).counts();
        }
    }

    /** Stock pg_restore of {@code dump} into a new empty database; that database's counts. */
    private static Map<String, Long> pgRestore(PostgresServer server, Path dump, String db) throws Exception {
        try (Connection c = server.connectSuper("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db + " OWNER " + PostgresServer.APP_ROLE + " TEMPLATE template0");
        }
        ProcessBuilder pb = new ProcessBuilder("pg_restore", "--no-owner", "--exit-on-error", "-h", "127.0.0.1", "-p",
                String.valueOf(server.port()), "-U", PostgresServer.APP_ROLE, "-d", db, dump.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("PGPASSWORD", server.appPassword());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "pg_restore: " + out);
        return pgCounts(server, db);
    }

    /**
     * A tampered or damaged entry list must not make the script write outside its output folder
     * through one of the backup's own symbolic links: a file below a link to an absolute folder,
     * the same with the link spelled "zz-link/", a folder and file below a relative link (no ".."
     * in any path), and a file at a link's own path. Each run fails naming the entry, and nothing
     * appears outside. The entries are hand-written into a real backup's chunk and head, re-signed
     * as {@link #chunkTheDump} does.
     */
    @Test
    void entriesBelowOrAtASymlinkEntryAreRefusedAndNothingIsWrittenOutside() throws Exception {
        assumeTools("jq", "zstd");
        Path data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(3).build();
        Path target = tmp.resolve("links-target");
        try (ObjectStore store = new LocalObjectStore(target)) {
            Repository repo = Repository.open(store, INSTANCE, tmp.resolve("scratch"), log);
            new RepoBackupRunner(log).run(repo, new RepoBackupRunner.Options(data, INSTANCE, CodecSettings.zstd(3), false, tmp.resolve("staging")));
        }
        Path instance = target.resolve(INSTANCE);
        Path outside = tmp.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("victim"), "keep me");
        ObjectMapper json = new ObjectMapper();
        String original = Files.readString(newestHead(instance));
        record Case(String named, List<ObjectNode> extra) {
        }
        List<Case> cases = List.of(
                new Case("zz-link/x", List.of(linkEntry(json, "zz-link", outside.toString()), json.createObjectNode().put("path", "zz-link/x"))),
                new Case("zz-link/x", List.of(linkEntry(json, "zz-link/", outside.toString()), json.createObjectNode().put("path", "zz-link/x"))),
                new Case("zz-rel/sub", List.of(linkEntry(json, "zz-rel", "../outside"),
                        json.createObjectNode().put("path", "zz-rel/sub").put("type", "dir").put("mode", "rwx------"),
                        json.createObjectNode().put("path", "zz-rel/sub/x"))),
                new Case("zz-same", List.of(linkEntry(json, "zz-same", outside.resolve("victim").toString()),
                        json.createObjectNode().put("path", "zz-same"))));
        int n = 0;
        for (Case c : cases) {
            Files.writeString(newestHead(instance), original);
            appendEntries(instance, c.extra());
            Result r = runScript(Map.of(), instance.toString(), "latest", "links-" + n++);
            assertNotEquals(0, r.code, r.output);
            assertTrue(r.output.contains("(" + c.named() + ")"), "names the entry " + c.named() + ": " + r.output);
            try (Stream<Path> s = Files.list(outside)) {
                assertEquals(List.of("victim"), s.map(p -> p.getFileName().toString()).toList(), "written outside: " + r.output);
            }
            assertEquals("keep me", Files.readString(outside.resolve("victim")));
        }
    }

    private static ObjectNode linkEntry(ObjectMapper json, String path, String linkTarget) {
        return json.createObjectNode().put("path", path).put("type", Entry.SYMLINK).put("linkTarget", linkTarget);
    }

    private static Path newestHead(Path instance) throws IOException {
        try (Stream<Path> s = Files.list(instance.resolve("backups"))) {
            return s.sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    /**
     * Appends {@code extra} to the newest backup's entries (paths "zz-…" sort last), all rewritten
     * as one zstd chunk named in the head; an entry with only a path becomes a copy of a real file
     * entry (a sound object, size and SHA-256) at that path.
     */
    private static void appendEntries(Path instance, List<ObjectNode> extra) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path headFile = newestHead(instance);
        ObjectNode head = (ObjectNode) json.readTree(headFile.toFile());
        assertEquals("zstd", head.get("chunkStorage").asText());
        List<ObjectNode> entries = new ArrayList<>();
        for (var chunk : head.withArray("chunks")) {
            String lines = new String(unzstd(Files.readAllBytes(instance.resolve(ObjectNames.relativeKey(chunk.get("object").asText())))),
                    StandardCharsets.UTF_8);
            for (String line : lines.split("\n")) {
                entries.add((ObjectNode) json.readTree(line));
            }
        }
        ObjectNode aFile = entries.stream().filter(e -> Entry.FILE.equals(e.get("type").asText())).findFirst().orElseThrow();
        for (ObjectNode e : extra) {
            ObjectNode x = e.deepCopy();
            if (!x.has("type")) {
                String path = x.get("path").asText();
                x.setAll(aFile.deepCopy());
                x.put("path", path);
            }
            entries.add(x);
        }
        StringBuilder sb = new StringBuilder();
        for (ObjectNode e : entries) {
            sb.append(json.writeValueAsString(e)).append('\n');
        }
        byte[] plain = sb.toString().getBytes(StandardCharsets.UTF_8);
        ArrayNode chunks = json.createArrayNode();
        chunks.addObject().put("object", putObject(instance, com.github.luben.zstd.Zstd.compress(plain, 3))).put("sha256", sha256(plain))
                .put("entries", entries.size()).put("first", entries.get(0).get("path").asText());
        head.set("chunks", chunks);
        json.writeValue(headFile.toFile(), head);
    }

    /**
     * Rewrites the newest backup's pg-dump entry so that its content is three chunk objects
     * ({@code "chunks":[{"object","size","storedSize"},…]}, no {@code object}), stored like the
     * entry (zstd), then its entry chunk and the head to match. {@code swapped}: the first two
     * chunks change places (each still a sound object). Returns the chunk objects in order.
     */
    private static List<String> chunkTheDump(Path instance, boolean swapped) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path headFile;
        try (Stream<Path> s = Files.list(instance.resolve("backups"))) {
            headFile = s.sorted().reduce((a, b) -> b).orElseThrow();
        }
        ObjectNode head = (ObjectNode) json.readTree(headFile.toFile());
        assertEquals("zstd", head.get("chunkStorage").asText());
        List<String> parts = new ArrayList<>();
        for (var chunk : head.withArray("chunks")) {
            String lines = new String(unzstd(Files.readAllBytes(instance.resolve(ObjectNames.relativeKey(chunk.get("object").asText())))),
                    StandardCharsets.UTF_8);
            StringBuilder rewritten = new StringBuilder();
            boolean changed = false;
            for (String line : lines.split("\n")) {
                ObjectNode e = (ObjectNode) json.readTree(line);
                if (Entry.PG_DUMP.equals(e.get("type").asText())) {
                    assertEquals("zstd", e.get("storage").asText());
                    byte[] plain;
                    if (e.has("object")) {
                        plain = unzstd(Files.readAllBytes(instance.resolve(ObjectNames.relativeKey(e.get("object").asText()))));
                    } else { // already chunked: put the pieces back together
                        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                        for (var c : e.withArray("chunks")) {
                            all.write(unzstd(Files.readAllBytes(instance.resolve(ObjectNames.relativeKey(c.get("object").asText())))));
                        }
                        plain = all.toByteArray();
                    }
                    int third = plain.length / 3;
                    List<byte[]> pieces = new ArrayList<>(List.of(Arrays.copyOfRange(plain, 0, third),
                            Arrays.copyOfRange(plain, third, 2 * third), Arrays.copyOfRange(plain, 2 * third, plain.length)));
                    if (swapped) {
                        pieces.add(0, pieces.remove(1));
                    }
                    ArrayNode chunks = json.createArrayNode();
                    for (byte[] piece : pieces) {
                        byte[] stored = com.github.luben.zstd.Zstd.compress(piece, 3);
                        String name = putObject(instance, stored);
                        parts.add(name);
                        chunks.addObject().put("object", name).put("size", piece.length).put("storedSize", stored.length);
                    }
                    e.remove("object");
                    e.remove("storedSize");
                    e.set("chunks", chunks);
                    changed = true;
                }
                rewritten.append(json.writeValueAsString(e)).append('\n');
            }
            if (changed) {
                byte[] plain = rewritten.toString().getBytes(StandardCharsets.UTF_8);
                ((ObjectNode) chunk).put("object", putObject(instance, com.github.luben.zstd.Zstd.compress(plain, 3)))
                        .put("sha256", sha256(plain));
            }
        }
        json.writeValue(headFile.toFile(), head);
        return parts;
    }

    private static byte[] unzstd(byte[] stored) throws IOException {
        try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(stored))) {
            return in.readAllBytes();
        }
    }

    private static String putObject(Path instance, byte[] stored) throws Exception {
        String name = sha256(stored);
        Path f = instance.resolve(ObjectNames.relativeKey(name));
        Files.createDirectories(f.getParent());
        Files.write(f, stored);
        return name;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Two backups: a generated instance, then a day of changes (the databases get page sets). */
    private Repository twoDays(ObjectStore store, CodecSettings codec) throws Exception {
        return twoDays(store, codec, null);
    }

    /** {@code keys} let the second day read the first day's encrypted entries (and so store page sets). */
    private Repository twoDays(ObjectStore store, CodecSettings codec, DecryptionKeys keys) throws Exception {
        Path data = tmp.resolve("data");
        OpenWebUiFixture.at(data).seed(5).build();
        Files.createSymbolicLink(data.resolve("uploads-link"), Path.of("uploads"));
        Path secret = tmp.resolve("instance-secret");
        Files.writeString(secret, "s3cr3t-key-of-the-instance");
        Repository repo = Repository.open(store, INSTANCE, tmp.resolve("scratch"), log);
        RepoBackupRunner.Options o = new RepoBackupRunner.Options(data, INSTANCE, null, secret, codec, keys, false,
                tmp.resolve("staging"), null, 2);
        new RepoBackupRunner(log).run(repo, o);
        Mutator.change(data, 2, 11);
        RepoBackupRunner.Result second = new RepoBackupRunner(log).run(repo, o);
        assertTrue(second.databases().stream().anyMatch(d -> "APPEND".equals(d.kind())), "a database has a page set: " + second.databases());
        return repo;
    }

    private Path restoreWithTheTool(Repository repo, DecryptionKeys keys) {
        Path ref = tmp.resolve("ref");
        new RepoRestore(repo).run(new RepoRestore.Options(null, ref, keys, tmp.resolve("ref-secret")));
        return ref;
    }

    private static List<Entry> entries(Repository repo, DecryptionKeys keys) {
        List<String> ids = repo.backups().list();
        BackupHead h = repo.backups().head(ids.get(ids.size() - 1));
        List<Entry> out = new ArrayList<>();
        try (EntryIterator it = repo.backups().entries(h, keys)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Same paths, types, bytes, link targets, modes and modification times (directories included). */
    private static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, String> e = describe(expected);
        Map<String, String> a = describe(actual);
        assertTrue(e.size() > 20, "a real tree: " + e.keySet());
        assertTrue(e.values().stream().anyMatch(v -> v.startsWith("link")), "the tree has a symlink");
        assertEquals(e.keySet(), a.keySet());
        for (String k : e.keySet()) {
            assertEquals(e.get(k), a.get(k), k);
        }
        for (String k : e.keySet()) {
            Path ep = expected.resolve(k);
            if (Files.isRegularFile(ep, LinkOption.NOFOLLOW_LINKS)) {
                assertEquals(-1L, Files.mismatch(ep, actual.resolve(k)), k);
            }
        }
    }

    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> w = Files.walk(root)) {
            for (Path p : (Iterable<Path>) w::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p));
                } else {
                    String kind = Files.isDirectory(p) ? "dir" : "file " + Files.size(p);
                    out.put(rel, kind + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                            + " " + Files.getLastModifiedTime(p).toInstant());
                }
            }
        }
        return out;
    }

    private record Result(int code, String output) {
    }

    private Result runScript(Map<String, String> env, String repository, String id) throws IOException, InterruptedException {
        return runScript(env, repository, id, "script");
    }

    private Result runScript(Map<String, String> env, String repository, String id, String out) throws IOException, InterruptedException {
        return runScript(env, repository, id, out, false);
    }

    private Result runScript(Map<String, String> env, String repository, String id, String out, boolean withoutAws)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), repository, id, tmp.resolve(out).toString(),
                tmp.resolve(out + "-secret").toString()).redirectErrorStream(true);
        if (withoutAws) {
            // The host's AWS_* settings are not the test's: AWS_CA_BUNDLE makes rclone 1.60 fail
            // ("LoadCustomCABundleError") even for a plain-http endpoint, and a profile or key would
            // compete with the remote's own keys.
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }
}
