package dev.owui.backup.postgres;

import dev.owui.backup.OwuiException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * PostgreSQL's own client tools (pg_dump, pg_restore), found on a PATH or in a named bin
 * directory, and run with a connection's libpq environment.
 *
 * <p>The password never reaches a tool's argv (visible to every user in {@code ps}) nor its
 * environment (readable in /proc by the same user, and copied into every grandchild): it goes in
 * a {@code PGPASSFILE} of mode 0600 in a private directory of mode 0700, deleted when the tool ends.
 * Inherited {@code PG*} variables are removed so that the operator's shell cannot redirect a
 * backup to another server.
 */
public final class PgTools {
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");

    private final Path binDir;
    private final String path;

    private PgTools(Path binDir, String path) {
        this.binDir = binDir;
        this.path = path;
    }

    /** Tools found on this process's PATH. */
    public static PgTools onPath() {
        return new PgTools(null, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** Tools found on the given PATH (a test puts a stand-in first). */
    public static PgTools onPath(String path) {
        return new PgTools(null, path);
    }

    /** Tools in one directory, e.g. /usr/lib/postgresql/16/bin (owui.pgBin). */
    public static PgTools in(Path binDir) {
        return new PgTools(binDir, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    }

    /** The executable of {@code tool}, or an error naming the package that has it. */
    public Path locate(String tool, int serverMajor) {
        if (binDir != null) {
            Path p = binDir.resolve(tool);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw new OwuiException(tool + " is not in " + binDir, install(serverMajor) + ", or point owui.pgBin at the bin directory that has " + tool);
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p;
            }
        }
        throw new OwuiException(tool + " is not on the PATH (" + path + ")", install(serverMajor) + ", or point owui.pgBin at its bin directory");
    }

    /** What to install on Debian/Ubuntu for a server of this major version. */
    static String install(int serverMajor) {
        String pkg = serverMajor > 0 ? "postgresql-client-" + serverMajor : "postgresql-client";
        return "install PostgreSQL's client tools for this server (Debian/Ubuntu: apt-get install " + pkg
                + "; where the distribution lacks that version, from the PostgreSQL apt repository apt.postgresql.org)";
    }

    /** The major version {@code tool --version} reports (e.g. 15 for "pg_dump (PostgreSQL) 15.18 (Debian ...)"). */
    public int majorVersion(Path tool) {
        Result r = run(List.of(tool.toString(), "--version"), Map.of(), null);
        Matcher m = VERSION.matcher(r.stdout());
        if (r.exitCode() != 0 || !m.find()) {
            throw new OwuiException(tool + " --version did not say which PostgreSQL it is (exit " + r.exitCode() + ": "
                    + firstLine(r.stdout() + r.stderr()) + ")", "check that " + tool + " is PostgreSQL's own tool");
        }
        int major = Integer.parseInt(m.group(1));
        // Before 10, the major version had two parts (9.6): 9.6 sorts below 10 as 9 does.
        return major;
    }

    /**
     * pg_dump (or pg_restore) able to read a server of {@code serverMajor}: its major version must be
     * at least the server's (pg_dump refuses newer servers; newer pg_dump reads older servers).
     */
    public Path checkedTool(String tool, int serverMajor, String serverVersion) {
        Path p = locate(tool, serverMajor);
        int major = majorVersion(p);
        if (major < serverMajor) {
            String others = newerInstalled(tool, serverMajor);
            throw new OwuiException(tool + " " + major + " (" + p + ") is older than the PostgreSQL " + serverVersion
                    + " server: " + tool + " cannot read a newer server", install(serverMajor)
                    + (others == null ? "" : "; " + others + " is installed already: point owui.pgBin at " + Path.of(others).getParent()));
        }
        return p;
    }

    /** Debian installs each major's tools in /usr/lib/postgresql/N/bin: one at least this new, or null. */
    private static String newerInstalled(String tool, int serverMajor) {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .filter(d -> Integer.parseInt(d.getFileName().toString()) >= serverMajor)
                    .map(d -> d.resolve("bin").resolve(tool)).filter(Files::isExecutable)
                    .max(Comparator.comparingInt(t -> Integer.parseInt(t.getParent().getParent().getFileName().toString())))
                    .map(Path::toString).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** What a finished tool said. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs a PostgreSQL tool for {@code url}: the libpq environment of the URL, the password in a
     * private PGPASSFILE, no prompt (-w belongs in the caller's arguments), inherited PG* removed.
     */
    public Result runFor(DatabaseUrl url, List<String> command, Path workDir) {
        Path secrets = null;
        try {
            Map<String, String> env = new HashMap<>(url.libpqEnvironment());
            secrets = Files.createTempDirectory("owui-pg-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path passfile = secrets.resolve("pgpass");
            Files.createFile(passfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            if (url.hasPassword()) {
                // One line for this child only: any host, port, database and user. ':' and '\' are escaped (libpq's rule).
                Files.writeString(passfile, "*:*:*:*:" + url.password().replace("\\", "\\\\").replace(":", "\\:") + "\n", StandardCharsets.UTF_8);
            }
            // Without a password the file stays empty: never the operator's ~/.pgpass for another server.
            env.put("PGPASSFILE", passfile.toString());
            Result r = run(command, env, workDir);
            return new Result(r.exitCode(), url.redact(r.stdout()), url.redact(r.stderr()));
        } catch (IOException e) {
            throw new OwuiException("cannot write the private password file for " + command.get(0) + " in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(),
                    "check that the temp folder exists and is writable (java.io.tmpdir)", e);
        } finally {
            if (secrets != null) {
                try (Stream<Path> s = Files.list(secrets)) {
                    for (Path p : s.toList()) {
                        Files.deleteIfExists(p);
                    }
                    Files.deleteIfExists(secrets);
                } catch (IOException e) {
                    // a 0700 directory in the temp folder: harmless if it stays
                }
            }
        }
    }

    private Result run(List<String> command, Map<String, String> extraEnv, Path workDir) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.put("PATH", path);
        env.putAll(extraEnv);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        try {
            Process p = pb.start();
            p.getOutputStream().close(); // no prompt can wait on us
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            int code = p.waitFor();
            return new Result(code, out.join(), err.join());
        } catch (IOException e) {
            throw new OwuiException("cannot run " + command.get(0) + ": " + e.getMessage(),
                    "check that it is installed and executable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("interrupted while " + command.get(0) + " ran", "run the command again");
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** The tool's message lines, without blank ones, for an error. */
    static String message(Result r) {
        List<String> lines = new ArrayList<>();
        for (String l : r.stderr().split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines.isEmpty() ? "exit code " + r.exitCode() : String.join(" / ", lines);
    }
}
