package dev.owui.backup.provision;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.owui.backup.ssh.Sshd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Unix users standing in for hosts: each one a login on the test's sshd with its own home and
 * crontab. Needs root (useradd), Debian's cron (crontab) and an sshd whose files every user can
 * read (sshd reads authorized_keys as the user): {@link #sshdDir()} makes such a directory.
 */
public final class HostUsers {
    private HostUsers() {
    }

    /** Skips unless users can be made and crontabs read here. */
    public static void assumeAvailable() {
        Sshd.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")), "needs useradd (Debian package passwd) to make test users");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/crontab")), "needs crontab: apt-get install -y cron");
    }

    /** A fresh directory outside JUnit's private temp dirs, readable by every user (for the sshd's files). */
    public static Path sshdDir() {
        try {
            return Files.createTempDirectory("owui-prov-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the users afresh (an earlier run's leftovers are removed first); '*' password: key login only. */
    public static void create(List<String> users) {
        for (String u : users) {
            delete(u);
            Sshd.run("useradd", "-m", "-s", "/bin/bash", "-p", "*", u);
        }
    }

    public static void delete(String user) {
        run("crontab", "-r", "-u", user);
        run("userdel", "-r", "-f", user);
    }

    /** {@code crontab -l -u user}, or null when the user has no crontab. */
    public static String crontab(String user) {
        Result r = run("crontab", "-l", "-u", user);
        return r.exit == 0 ? r.out : null;
    }

    /** Installs the user's own crontab (or removes it, for null). */
    public static void setCrontab(String user, String content) {
        if (content == null) {
            run("crontab", "-r", "-u", user);
            return;
        }
        try {
            Path f = Files.createTempFile("crontab", ".txt");
            Files.writeString(f, content);
            Result r = run("crontab", "-u", user, f.toString());
            Files.delete(f);
            if (r.exit != 0) {
                throw new IllegalStateException("crontab -u " + user + " refused: " + r.out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path home(String user) {
        return Path.of("/home", user);
    }

    public record Result(int exit, String out) {
    }

    /** Runs a command, never failing: the exit code and the output (stdout and stderr). */
    public static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
