package dev.owui.backup.provision;

import com.jcraft.jsch.SftpException;
import dev.owui.backup.OwuiException;
import dev.owui.backup.ssh.ExecResult;
import dev.owui.backup.ssh.SshSession;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Files and commands on one host over its SSH session. Writes are atomic: the new content goes
 * to a temp file (by SFTP), then a {@code mv} replaces the old file, which is kept as
 * {@code <file>.bak}. Privileged paths (root-owned system directories) go through {@code sudo -n}
 * unless the login is root already: the content is staged in the login's own directory and
 * installed by root, so the file ends up owned by root.
 */
final class Remote {
    private final SshSession ssh;
    private final String sudo;
    private final String stagingDir;
    private final Set<String> madeDirs = new HashSet<>();
    /** Contents read ahead by {@link #prefetch}; a present key with a null value: the file does not exist. */
    private final Map<String, String> fetched = new HashMap<>();
    private ExecResult fetchedCrontab;

    /** @param sudo "sudo -n " or "" (the login is root, or only its own files are touched) */
    Remote(SshSession ssh, String sudo, String stagingDir) {
        this.ssh = ssh;
        this.sudo = sudo;
        this.stagingDir = stagingDir;
    }

    /** The login user name. */
    String user() {
        return ssh.user();
    }

    /** "sudo -n " when root-owned paths need it, else "". */
    String sudo() {
        return sudo;
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    ExecResult run(String command) {
        return ssh.exec(command);
    }

    /** Runs a command that must succeed; a failure names the host, what was done and the command's error. */
    String must(String doing, String command) {
        ExecResult r = ssh.exec(command);
        if (!r.ok()) {
            throw new OwuiException(doing + " on " + ssh.describe() + " failed (exit " + r.exitCode() + "): " + r.firstErrorLine(),
                    "fix it on the host, then run install-cron again");
        }
        return r.stdout();
    }

    private String as(boolean privileged, String script) {
        return privileged && !sudo.isEmpty() ? sudo + "sh -c " + quote(script) : script;
    }

    /**
     * Reads several files (and, if asked, the login's crontab) in one command, so that a host with
     * nothing to change costs two round trips, not one per file. Base64 keeps every byte, trailing
     * newlines included. Later {@link #read} and {@link #crontab} calls answer from what was read.
     */
    void prefetch(List<String> paths, boolean withCrontab) {
        StringBuilder script = new StringBuilder("f() { if [ -e \"$1\" ]; then printf 'F:'; base64 -w0 < \"$1\" || exit 9; echo; else echo M; fi; }; ");
        for (String p : paths) {
            script.append("f ").append(quote(p)).append("; ");
        }
        if (withCrontab) {
            script.append("t=$(mktemp) || exit 9; if crontab -l >\"$t\" 2>\"$t.e\"; then printf 'C:'; base64 -w0 <\"$t\"; echo; ")
                    .append("else printf 'E:'; base64 -w0 <\"$t.e\"; echo; fi; rm -f \"$t\" \"$t.e\"; ");
        }
        ExecResult r = ssh.exec(script.append("true").toString());
        List<String> lines = r.stdout().lines().toList();
        if (!r.ok() || lines.size() != paths.size() + (withCrontab ? 1 : 0)) {
            return; // unreadable for some reason: the reads below ask one by one and say which failed
        }
        Base64.Decoder b64 = Base64.getDecoder();
        for (int i = 0; i < paths.size(); i++) {
            String l = lines.get(i);
            fetched.put(paths.get(i), l.startsWith("F:") ? new String(b64.decode(l.substring(2)), StandardCharsets.UTF_8) : null);
        }
        if (withCrontab) {
            String l = lines.get(paths.size());
            String text = new String(b64.decode(l.substring(2)), StandardCharsets.UTF_8);
            fetchedCrontab = l.startsWith("C:") ? new ExecResult(0, text, "") : new ExecResult(1, "", text);
        }
    }

    /** {@code crontab -l}, from the prefetch when there was one. */
    ExecResult crontab() {
        ExecResult r = fetchedCrontab != null ? fetchedCrontab : ssh.exec("crontab -l");
        fetchedCrontab = null;
        return r;
    }

    /** The file's content, or null when it does not exist. */
    String read(String path, boolean privileged) {
        if (fetched.containsKey(path)) {
            return fetched.remove(path);
        }
        String p = quote(path);
        ExecResult r = ssh.exec(as(privileged, "if [ -e " + p + " ]; then cat " + p + "; else exit 3; fi"));
        if (r.exitCode() == 3) {
            return null;
        }
        if (!r.ok()) {
            throw new OwuiException("cannot read " + path + " on " + ssh.describe() + ": " + r.firstErrorLine(),
                    privileged ? "check that the login may run sudo -n without a password" : "check the file's permissions");
        }
        return r.stdout();
    }

    /** Replaces (or creates) the file atomically with {@code content}, keeping the old one as .bak. */
    void write(String path, String content, String mode, boolean privileged) {
        String dir = parent(path);
        String name = path.substring(path.lastIndexOf('/') + 1);
        boolean viaSudo = privileged && !sudo.isEmpty();
        String stage = (viaSudo ? stagingDir : dir) + "/." + name + ".owui-tmp";
        mkdirs(viaSudo ? stagingDir : dir, false);
        if (mode.equals("0600")) {
            // A secret is never readable by others, not even between upload and chmod: the empty
            // file is made private first, and the upload overwrites it keeping its mode.
            must("preparing " + path, "umask 077 && rm -f " + quote(stage) + " && : > " + quote(stage));
        }
        upload(stage, content);
        String p = quote(path);
        String keep = "{ [ ! -e " + p + " ] || cp -p " + p + " " + quote(path + ".bak") + "; }";
        if (viaSudo) {
            String tmp = quote(path + ".owui-tmp");
            must("installing " + path, sudo + "sh -c " + quote("mkdir -p " + quote(dir) + " && install -m " + mode + " " + quote(stage) + " " + tmp
                    + " && " + keep + " && mv -f " + tmp + " " + p) + "; rc=$?; rm -f " + quote(stage) + "; exit $rc");
        } else {
            must("installing " + path, "chmod " + mode + " " + quote(stage) + " && " + keep + " && mv -f " + quote(stage) + " " + p);
        }
    }

    /** Removes the file and its .bak; a missing file is fine. */
    void remove(String path, boolean privileged) {
        must("removing " + path, as(privileged, "rm -f " + quote(path) + " " + quote(path + ".bak")));
    }

    /** Removes a directory if it is empty (what install-cron made and nothing else lives in). */
    void removeDirIfEmpty(String dir, boolean privileged) {
        ssh.exec(as(privileged, "rmdir " + quote(dir) + " 2>/dev/null || true"));
    }

    /**
     * What is in {@code dir}, two levels deep, as paths relative to it ("pom.xml", "bin",
     * "bin/owui-daily.sh"); empty when it does not exist. One round trip.
     */
    Set<String> list(String dir) {
        ExecResult r = ssh.exec("[ ! -d " + quote(dir) + " ] || find " + quote(dir) + " -mindepth 1 -maxdepth 2");
        if (!r.ok()) {
            throw new OwuiException("cannot list " + dir + " on " + ssh.describe() + ": " + r.firstErrorLine(), "check the directory's permissions");
        }
        Set<String> names = new HashSet<>();
        String prefix = dir + "/";
        r.stdout().lines().filter(l -> l.startsWith(prefix)).forEach(l -> names.add(l.substring(prefix.length())));
        return names;
    }

    /** Puts {@code content} at {@code path} over SFTP (no replacement semantics: a temp file). */
    void upload(String path, String content) {
        try {
            ssh.sftp().put(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), path);
        } catch (SftpException e) {
            throw ssh.failure("uploading " + path, e);
        }
    }

    void mkdirs(String dir, boolean privileged) {
        if (madeDirs.add(dir)) {
            must("creating " + dir, as(privileged, "mkdir -p " + quote(dir)));
        }
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
