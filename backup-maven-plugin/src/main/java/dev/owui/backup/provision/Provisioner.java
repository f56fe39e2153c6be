package dev.owui.backup.provision;

import dev.owui.backup.OwuiException;
import dev.owui.backup.schedule.SystemdAnalyze;
import dev.owui.backup.ssh.SshSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * install-cron across hosts: validates everything that can be validated before touching a host
 * (schedules through cron-utils, OnCalendar and the rendered units through the local
 * systemd-analyze, every template rendered once), then works on up to {@code forks} hosts at once.
 * A host that is unreachable or fails does not stop the others. Returns what happened as data;
 * the caller renders each host as it finishes and the recap at the end.
 */
public final class Provisioner {
    private final ProvisionOptions o;
    private final Templates templates;
    private final Function<Host, SshSession> connect;

    /** @param connect opens an authenticated session to a host; its OwuiException makes the host unreachable */
    public Provisioner(ProvisionOptions o, Templates templates, Function<Host, SshSession> connect) {
        this.o = o;
        this.templates = templates;
        this.connect = connect;
    }

    /**
     * Installs (or removes) the plans on the hosts; returns one result per host, in host order.
     *
     * @param done told of each host as it finishes (from the host's thread, one at a time), so
     *             that an operator sees hosts complete instead of waiting for the slowest
     */
    public ProvisionResult run(List<Host> hosts, List<ScheduledPlan> plans, Consumer<HostResult> done) {
        if (plans.isEmpty()) {
            throw new OwuiException("no plan has a <schedule>", "give the plans to install a <schedule> (e.g. <schedule>30 2 * * *</schedule>)");
        }
        long start = System.nanoTime();
        if (!o.absent()) {
            validate(plans);
        }
        List<HostResult> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(o.forks(), Math.max(1, hosts.size())), r -> {
            Thread t = new Thread(r, "owui-install");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<HostResult>> futures = new ArrayList<>();
            for (Host h : hosts) {
                futures.add(pool.submit(() -> {
                    HostResult r = new HostRun(h, plans, o, templates, connect).run();
                    tell(done, r);
                    return r;
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    HostResult r = new HostResult(hosts.get(i).name(), null, List.of(), false, true, "unexpected: " + c);
                    tell(done, r);
                    results.add(r);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OwuiException("interrupted while installing", null, e);
        } finally {
            pool.shutdownNow();
        }
        return new ProvisionResult(results, o.check(), Math.min(o.forks(), hosts.size()), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Everything checkable without a host: each plan's templates render, and systemd accepts its calendar and units. */
    private void validate(List<ScheduledPlan> plans) {
        SystemdAnalyze sa = o.scheduler() == ProvisionOptions.Scheduler.SYSTEMD ? SystemdAnalyze.find() : null;
        Path dir = null;
        try {
            if (sa != null) {
                dir = Files.createTempDirectory("owui-units", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            for (ScheduledPlan sp : plans) {
                String owner = "plan '" + sp.id() + "'";
                String remoteDir = dir != null ? dir.toString() : "/home/owui/owui-ops";
                Job j = new Job(sp, "localhost", remoteDir, dir != null ? dir.toString() : Job.SYSTEM_UNIT_DIR, "/usr/lib/jvm/java",
                        Job.command(o.command(), "mvn", remoteDir + "/pom.xml", sp.id(), sp.plan().goal(), remoteDir), o.system() ? "owui" : "", "", o);
                String wrapper = templates.render(Templates.WRAPPER, j.model());
                if (o.scheduler() == ProvisionOptions.Scheduler.CRON) {
                    String block = templates.render(Templates.CRONTAB, j.model());
                    if (!block.startsWith(CrontabBlocks.begin(sp.marker())) || !block.endsWith(CrontabBlocks.end(sp.marker()))) {
                        throw new OwuiException("the template " + Templates.CRONTAB + " (" + templates.origin(Templates.CRONTAB) + ") does not render "
                                + owner + " as a block from '# BEGIN " + sp.marker() + "' to '# END " + sp.marker() + "'",
                                "keep the first and last lines (# BEGIN ${marker} … # END ${marker}): they mark what install-cron owns in a crontab");
                    }
                    continue;
                }
                String service = templates.render(Templates.SERVICE, j.model());
                String timer = templates.render(Templates.TIMER, j.model());
                if (sa != null) {
                    sa.calendar(owner, sp.schedule().onCalendar());
                    Files.createDirectories(dir.resolve("bin"));
                    Files.writeString(Path.of(j.wrapper()), wrapper);
                    Path.of(j.wrapper()).toFile().setExecutable(true);
                    Files.writeString(Path.of(j.service()), service);
                    Files.writeString(Path.of(j.timer()), timer);
                    sa.verify(owner, List.of(Path.of(j.timer()), Path.of(j.service())));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    /** One host at a time, so that the lines of parallel hosts never interleave. */
    private synchronized void tell(Consumer<HostResult> done, HostResult r) {
        done.accept(r);
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
