package dev.owui.backup.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.s3.S3Server;
import dev.owui.backup.testkit.Mutator;
import dev.owui.backup.testkit.OpenWebUiFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

/**
 * FORMAT.md promises that a format 3 backup can be restored without this tool. This test makes
 * real backups with the engine (a generated instance, then a second day of changes, so the
 * databases are an image plus page sets), runs {@code recovery/restore-format3.sh} with plain
 * bash, and compares what it restores, byte for byte with modes and times, with what
 * {@link RepoRestore} restores: from a folder (plain storage, and zstd+pgp with a passphrase and
 * encrypted chunks) and from S3 through rclone (S3Proxy).
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
