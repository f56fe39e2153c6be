package dev.owui.backup.schedule;

import dev.owui.backup.OwuiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local {@code systemd-analyze}, when this machine has it: the authority on what systemd
 * accepts as an {@code OnCalendar} value and as a unit file. Works without a running systemd.
 */
public final class SystemdAnalyze {
    private final Path executable;

    private SystemdAnalyze(Path executable) {
        this.executable = executable;
    }

    /** The systemd-analyze on the PATH (or /usr/bin), or null when this machine has none. */
    public static SystemdAnalyze find() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path + ":/usr/bin").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "systemd-analyze"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().map(SystemdAnalyze::new).orElse(null);
    }

    /** Checks a calendar event; returns systemd's normalized form, or throws naming the owner. */
    public String calendar(String owner, String onCalendar) {
        Result r = run(List.of("calendar", onCalendar));
        if (r.exit != 0) {
            throw new OwuiException(owner + ": systemd-analyze rejects OnCalendar=" + onCalendar + ": " + r.firstLine(),
                    "fix the schedule (this is a bug in the conversion if the cron expression is valid: report it)");
        }
        return r.output.lines().map(String::strip).filter(l -> l.startsWith("Normalized form:"))
                .map(l -> l.substring("Normalized form:".length()).strip()).findFirst().orElse(onCalendar);
    }

    /** The next {@code n} times the event elapses, as systemd prints them ("Fri 2026-11-27 02:30:00 UTC"), in UTC. */
    public List<String> nextElapses(String onCalendar, int n) {
        Result r = run(List.of("calendar", "--iterations=" + n, onCalendar));
        if (r.exit != 0) {
            throw new OwuiException("systemd-analyze rejects OnCalendar=" + onCalendar + ": " + r.firstLine(), null);
        }
        return r.output.lines().map(String::strip).filter(l -> l.startsWith("Next elapse:") || l.startsWith("Iter. #"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).toList();
    }

    /** {@code systemd-analyze verify} of unit files; the output is returned, a failure throws with it. */
    public String verify(String owner, List<Path> units) {
        List<String> args = new ArrayList<>(List.of("verify"));
        units.forEach(u -> args.add(u.toString()));
        Result r = run(args);
        if (r.exit != 0) {
            throw new OwuiException(owner + ": systemd-analyze verify rejects the rendered units: " + r.output.strip().replace('\n', ' '),
                    "fix the template (owui.templatesDir) or the values it was given");
        }
        return r.output;
    }

    private record Result(int exit, String output) {
        String firstLine() {
            return output.strip().lines().findFirst().orElse("");
        }
    }

    private Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(args);
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("TZ", "UTC");
            pb.environment().put("SYSTEMD_LOG_COLOR", "0");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new OwuiException("systemd-analyze " + args.get(0) + " did not finish within 60 s", null);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new OwuiException("cannot run " + executable + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("interrupted while systemd-analyze ran", null, e);
        }
    }
}
