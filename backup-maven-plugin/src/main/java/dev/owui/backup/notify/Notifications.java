package dev.owui.backup.notify;

import dev.owui.backup.report.EngineLog;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a run's report through every configured notifier whose {@code when} matches. It never
 * throws and returns nothing that could replace the run's own result: a notifier that fails is an
 * {@link Outcome} and a warning in the log, and the caller goes on to report (or throw) the
 * backup's result exactly as it would have without notifications.
 */
public final class Notifications {
    private final List<Notifier> notifiers;
    private final EngineLog log;

    public Notifications(List<Notifier> notifiers, EngineLog log) {
        this.notifiers = List.copyOf(notifiers);
        this.log = log;
    }

    public boolean isEmpty() {
        return notifiers.isEmpty();
    }

    /** One outcome per notifier, in order. Never throws. */
    public List<Outcome> send(Report report) {
        List<Outcome> out = new ArrayList<>();
        for (Notifier n : notifiers) {
            String name = safeName(n);
            try {
                if (!n.when().matches(report)) {
                    out.add(new Outcome(name, Outcome.State.SKIPPED, null));
                    continue;
                }
                n.send(report);
                out.add(new Outcome(name, Outcome.State.SENT, null));
                safeLog(false, "notified " + name);
            } catch (Throwable t) { // a notifier's bug or an OutOfMemory in it must not replace the backup's result either
                if (t instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                String why = oneLine(t);
                out.add(new Outcome(name, Outcome.State.FAILED, why));
                safeLog(true, "notification through " + name + " failed: " + why + " (the backup's own result is unaffected)");
            }
        }
        return out;
    }

    /** The number of failed notifications in {@code outcomes}: what a caller adds to its warnings count. */
    public static long failures(List<Outcome> outcomes) {
        return outcomes.stream().filter(Outcome::failed).count();
    }

    private static String safeName(Notifier n) {
        try {
            return n.name();
        } catch (RuntimeException e) {
            return n.getClass().getSimpleName();
        }
    }

    private void safeLog(boolean warn, String line) {
        try {
            if (warn) {
                log.warn(line);
            } else {
                log.info(line);
            }
        } catch (RuntimeException ignored) {
            // logging must not turn a notification problem into a failed run
        }
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        Throwable c = t.getCause();
        while ((m == null || m.isBlank()) && c != null) {
            m = c.getMessage();
            c = c.getCause();
        }
        String s = t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
