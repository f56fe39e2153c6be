package dev.owui.backup.testkit;

import dev.owui.backup.postgres.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests, made with Debian's own server binaries
 * ({@code /usr/lib/postgresql/<major>/bin/initdb} and {@code pg_ctl}, the newest major installed;
 * package {@code postgresql}, which .ci/run installs): a temp folder, a free loopback port, SCRAM
 * password authentication on TCP and the socket, a superuser {@code postgres} and an application
 * role {@code owui} (LOGIN CREATEDB) owning the database {@code openwebui}, each with a random
 * password made for this server. {@link #close()} stops it with {@code pg_ctl stop -m immediate}
 * and deletes the folder.
 *
 * <p>initdb and postgres refuse to run as root; as root (CI) the cluster belongs to {@code nobody}
 * and every server command runs through {@code runuser -u nobody}. Missing binaries fail the test
 * with the package to install: CI has them, so a skip would hide a broken install step.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String APP_ROLE = "owui";
    public static final String APP_DATABASE = "openwebui";
    private static final String RUN_AS = "nobody";

    private final Path dir;
    private final Path bin;
    private final int port;
    private final String superPassword;
    private final String appPassword;
    private final Thread shutdownHook;
    private boolean stopped;

    private PostgresServer(Path dir, Path bin, int port, String superPassword, String appPassword) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.superPassword = superPassword;
        this.appPassword = appPassword;
        // A test JVM that dies without close() must not leave a postgres running.
        this.shutdownHook = new Thread(this::stopQuietly, "stop postgres " + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The bin directory of the newest PostgreSQL server installed, or a failure naming the package. */
    public static Path serverBin() {
        Path root = Path.of("/usr/lib/postgresql");
        List<Path> bins = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(d -> d.getFileName().toString().matches("\\d+"))
                        .map(d -> d.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .forEach(bins::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bins.stream().max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString())))
                .orElseThrow(() -> new IllegalStateException("the PostgreSQL tests need Debian's PostgreSQL server: no "
                        + "/usr/lib/postgresql/<major>/bin/initdb and pg_ctl found. Install it with "
                        + "'apt-get install postgresql' (packages postgresql-<major> and postgresql-client-<major>; .ci/run does)"));
    }

    /** The major version of the server binaries ({@code /usr/lib/postgresql/15/bin} → 15). */
    public int major() {
        return Integer.parseInt(bin.getParent().getFileName().toString());
    }

    /** Makes a cluster under a new temp folder and starts it. */
    public static PostgresServer start() {
        Path bin = serverBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port can be taken before postgres binds it
            Path dir = null;
            try {
                // Not JUnit's @TempDir: the folder must belong to the server's user, and its path must be
                // short enough for the socket file (108 bytes).
                dir = Files.createTempDirectory("owui-pg-");
                if (root) {
                    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                    Files.setOwner(dir, users.lookupPrincipalByName(RUN_AS));
                }
                PostgresServer s = new PostgresServer(dir, bin, freePort(), random(), random());
                try {
                    s.initAndStart();
                    return s;
                } catch (IOException e) {
                    s.close();
                    last = e;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException("could not start a PostgreSQL test cluster with " + bin + ": " + last.getMessage(), last);
    }

    private void initAndStart() throws IOException {
        Path pw = dir.resolve("pwfile");
        Files.writeString(pw, superPassword + "\n");
        chownToServer(pw);
        server(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", "postgres", "--pwfile=" + pw,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"));
        Files.delete(pw);
        // fsync and friends off: a test cluster is thrown away, and two shared cores are slow enough.
        String opts = "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + dir
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
                + " -c shared_buffers=16MB -c log_min_messages=warning";
        server(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", opts, "start"));
        try (Connection c = connectSuper("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + APP_ROLE + " LOGIN CREATEDB PASSWORD '" + appPassword + "'");
            s.execute("CREATE DATABASE " + APP_DATABASE + " OWNER " + APP_ROLE);
        } catch (SQLException e) {
            throw new IOException("could not create the test role and database: " + e.getMessage(), e);
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** The server's log, for a failing test's message. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The application role's password (a test asserts it never shows). */
    public String appPassword() {
        return appPassword;
    }

    /** {@code postgresql://owui:<password>@127.0.0.1:<port>/openwebui}, as Open WebUI's DATABASE_URL would say it. */
    public String appUrlText() {
        return appUrlText(APP_DATABASE);
    }

    public String appUrlText(String database) {
        return "postgresql://" + APP_ROLE + ":" + appPassword + "@127.0.0.1:" + port + "/" + database;
    }

    public DatabaseUrl appUrl() {
        return DatabaseUrl.parse(appUrlText(), "test");
    }

    public DatabaseUrl appUrl(String database) {
        return DatabaseUrl.parse(appUrlText(database), "test");
    }

    /** A JDBC connection as the application role. */
    public Connection connect(String database) throws SQLException {
        return connect(database, APP_ROLE, appPassword, "owui-test");
    }

    /** A JDBC connection as the application role, naming itself {@code applicationName} in pg_stat_activity. */
    public Connection connect(String database, String applicationName) throws SQLException {
        return connect(database, APP_ROLE, appPassword, applicationName);
    }

    /** A JDBC connection as the superuser. */
    public Connection connectSuper(String database) throws SQLException {
        return connect(database, "postgres", superPassword, "owui-test-admin");
    }

    private Connection connect(String database, String user, String password, String app) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("ApplicationName", app);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    /** Stops the server at once (no checkpoint: the data is thrown away) and deletes its folder. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        deleteTree(dir);
    }

    private synchronized void stopQuietly() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (Files.exists(data().resolve("postmaster.pid"))) {
            try {
                server(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "stop"));
            } catch (IOException e) {
                // nothing left to do in a test's cleanup; the folder is deleted next
            }
        }
    }

    /** Runs a server binary, as {@value #RUN_AS} when we are root. */
    private void server(List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C");
        pb.directory(dir.toFile()); // a folder the server's user may enter (not root's home)
        Process p = pb.start();
        p.getOutputStream().close();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + out.strip()
                    + (command.get(0).endsWith("pg_ctl") ? "\nserver log:\n" + log() : ""));
        }
    }

    private void chownToServer(Path p) throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            Files.setOwner(p, p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String random() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return "pw" + HexFormat.of().formatHex(b);
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp folder left behind is no test failure
        }
    }
}
