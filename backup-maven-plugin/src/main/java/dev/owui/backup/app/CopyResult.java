package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.repo.copy.MixedCopy;
import dev.owui.backup.retention.Retention.Decision;
import dev.owui.backup.store.TargetSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What an owui:copy run did, for the console, the JSON report and the notification alike.
 *
 * @param instance     the instance copied
 * @param plan         the copy plan that ran, or null/blank
 * @param source       where the backups came from; null when the run stopped before knowing it
 * @param to           every destination the run was to copy to, in order (empty when it stopped before knowing them)
 * @param backupIds    the backups chosen at the source (both formats); null when it stopped before choosing
 * @param destinations each destination the run got to, in order, with what it copied there
 * @param stopped      what ended the whole run early (no source, nothing to choose, a bug), or null
 */
public record CopyResult(String instance, String plan, TargetSpec source, List<TargetSpec> to, List<String> backupIds,
                         List<Destination> destinations, RuntimeException stopped) {

    public CopyResult {
        to = List.copyOf(to);
        destinations = List.copyOf(destinations);
    }

    /**
     * One destination: the backups copied there (oldest first, sent or already there), the copy
     * plan's retention there (null without one, or when it failed), and the failure that ended the
     * work there, or null. A failure in retention keeps the copies made before it.
     */
    public record Destination(TargetSpec target, List<MixedCopy.Copied> copied, Retained retention, OwuiException failure) {
        public Destination {
            copied = List.copyOf(copied);
        }

        public boolean ok() {
            return failure == null;
        }
    }

    /** A copy plan's retention at a destination: the policy and its verdict on each backup there. */
    public record Retained(String policy, List<Decision> decisions) {
        public long removed() {
            return decisions.stream().filter(d -> !d.keep()).count();
        }
    }

    /** The source and each destination, as the operator wrote them (for the notification). */
    public List<String> where() {
        List<String> w = new ArrayList<>();
        if (source != null) {
            w.add(source.url());
            to.forEach(d -> w.add(d.url()));
        }
        return w;
    }

    /** The last backup listed at the last destination that listed any: the newest copied (the notification's backup). */
    public String newest() {
        String newest = null;
        for (Destination d : destinations) {
            for (MixedCopy.Copied c : d.copied()) {
                newest = c.backupId();
            }
        }
        return newest;
    }

    /** Files of the backups copied or found there, over all destinations. */
    public long files() {
        return all().stream().mapToLong(MixedCopy.Copied::files).sum();
    }

    /** Bytes sent to the destinations. */
    public long bytesSent() {
        return all().stream().mapToLong(MixedCopy.Copied::bytesSent).sum();
    }

    /** Bytes of the copies: sent plus shared with what the destinations held. */
    public long bytesTotal() {
        return all().stream().mapToLong(c -> c.bytesSent() + c.bytesShared()).sum();
    }

    private List<MixedCopy.Copied> all() {
        return destinations.stream().flatMap(d -> d.copied().stream()).toList();
    }

    public List<Destination> failed() {
        return destinations.stream().filter(d -> !d.ok()).toList();
    }

    /** Whether every destination got its copies (and retention) and nothing stopped the run. */
    public boolean succeeded() {
        return stopped == null && failed().isEmpty();
    }

    /** What the run failed with: what stopped it, or one error naming each failed destination; null when it succeeded. */
    public RuntimeException failure() {
        if (stopped != null) {
            return stopped;
        }
        List<Destination> failed = failed();
        if (failed.isEmpty()) {
            return null;
        }
        List<String> named = failed.stream().map(d -> d.target().id() + " (" + d.failure().getMessage() + ")").toList();
        return new OwuiException("copy failed at " + String.join("; ", named), "fix the named destination and run again: what arrived is shared, not sent again");
    }

    /** Throws {@link #failure()}, if any: called after the result was rendered, so the report is written either way. */
    public void throwIfFailed() {
        RuntimeException e = failure();
        if (e != null) {
            throw e;
        }
    }
}
