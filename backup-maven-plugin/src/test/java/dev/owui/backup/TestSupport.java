package dev.owui.backup;

import dev.owui.backup.capture.BackupOptions;
import dev.owui.backup.capture.BackupResult;
import dev.owui.backup.capture.BackupRunner;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.store.LocalTarget;
import dev.owui.backup.store.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/** Small helpers shared by the engine tests. */
public final class TestSupport {
    private TestSupport() {
    }

    /** Collects what the engine logs, so tests can assert on what an operator would read. */
    public static final class RecordingLog implements EngineLog {
        public final List<String> infos = Collections.synchronizedList(new ArrayList<>());
        public final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void info(String line) {
            infos.add(line);
        }

        @Override
        public void warn(String line) {
            warnings.add(line);
        }

        public boolean saidAnywhere(String fragment) {
            return infos.stream().anyMatch(l -> l.contains(fragment)) || warnings.stream().anyMatch(l -> l.contains(fragment));
        }
    }

    public static LocalTarget target(Path dir) {
        return new LocalTarget(dir, dir.toString(), true);
    }

    public static BackupOptions options(Path dataDir, Target target) {
        return new BackupOptions(dataDir, target, "test", FileSelector.defaults(), null, 4);
    }

    public static BackupResult backup(Path dataDir, Target target) {
        return new BackupRunner(new RecordingLog()).run(options(dataDir, target));
    }

    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }

    /** A single value from a database file (read-only, no side files written). */
    public static long queryLong(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?immutable=1");
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Asserts that what the tool wrote under {@code root} (root included) is private: every folder
     * 0700, every regular file 0600, whatever the umask; symbolic links have no mode of their own.
     * Returns {folders, files} checked, so a caller can tell the walk saw something.
     */
    public static int[] assertPrivateTree(Path root) throws IOException {
        int[] seen = new int[2];
        List<String> wrong = new ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                String mode = java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
                boolean dir = Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                seen[dir ? 0 : 1]++;
                if (!mode.equals(dir ? "rwx------" : "rw-------")) {
                    wrong.add(root.relativize(p) + (dir ? "/ " : " ") + mode);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(wrong.isEmpty(), wrong.size() + " entries not private under " + root + ", e.g. "
                + wrong.subList(0, Math.min(8, wrong.size())));
        return seen;
    }

    /** Runs a command and fails the test if it fails. */
    /**
     * Skips the calling test, rather than failing it, where a stock tool is not installed: a
     * machine without it says which Debian package to install. CI (.ci/run) installs them, so the
     * tests run there.
     */
    public static void assumeTool(String tool, String debianPackage) {
        boolean found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator))
                .filter(d -> !d.isEmpty())
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)) && !Files.isDirectory(Path.of(d, tool)));
        org.junit.jupiter.api.Assumptions.assumeTrue(found,
                "needs " + tool + " (Debian package " + debianPackage + ": apt-get install " + debianPackage + "; .ci/run installs it)");
    }

    /** Skips the test where stock zstd is missing. */
    public static void assumeZstd() {
        assumeTool("zstd", "zstd");
    }

    /** Skips the test where stock gpg is missing. */
    public static void assumeGpg() {
        assumeTool("gpg", "gnupg");
    }

    public static void sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
