package dev.owui.backup.render;

import dev.owui.backup.diff.DiffResult;
import dev.owui.backup.diff.DiffResult.FileChange;
import dev.owui.backup.diff.DiffResult.FileCounts;
import dev.owui.backup.diff.DiffResult.FolderChange;
import dev.owui.backup.diff.DiffResult.TableCount;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * owui:diff's console lines, the diff as an operator reads it: counts first, then up to the limit
 * of paths per category; and its report entries, per target.
 */
public final class DiffRender {
    private final EngineLog log;
    private final dev.owui.backup.report.JsonReport report;

    public DiffRender(EngineLog log, dev.owui.backup.report.JsonReport report) {
        this.log = log;
        this.report = report;
    }

    /** One target's lines and report entry: the diff itself ({@code diff}), as BackupDiff found it. */
    public void target(dev.owui.backup.app.PerTarget.Outcome<DiffResult> o) {
        TargetEntries.render(report, o, (diff, entry) -> {
            print(diff, log);
            entry.put("diff", diff);
        });
    }

    /** The diff's lines. */
    public static void print(DiffResult r, EngineLog log) {
        log.info("backup " + r.oldId() + " → " + r.newId() + " of instance '" + r.instance() + "' at " + r.location() + apart(r.oldStarted(), r.newStarted()));
        FileCounts f = r.files();
        log.info("files: " + Sizes.count(f.added()) + " added" + bytes(f.added(), f.bytesAdded()) + ", "
                + Sizes.count(f.removed()) + " removed" + bytes(f.removed(), -f.bytesRemoved()) + ", "
                + Sizes.count(f.changed()) + " changed" + bytes(f.changed(), f.changedAfter() - f.changedBefore()) + ", "
                + Sizes.count(f.modeChanged()) + " with a new mode, " + Sizes.count(f.touched()) + " with only a new time, "
                + Sizes.count(f.unchanged()) + " unchanged");
        log.info("size: " + Sizes.bytes(f.bytesBefore()) + " → " + Sizes.bytes(f.bytesAfter()) + " (" + signed(f.delta()) + ")");
        if (r.folders() == null) {
            log.info("folders: not compared (a manifest from an older version records none)");
        } else {
            log.info("folders: " + Sizes.count(r.folders().added()) + " added, " + Sizes.count(r.folders().removed()) + " removed, "
                    + Sizes.count(r.folders().modeChanged()) + " with a new mode");
        }
        Table counts = new Table("webui.db rows", "before", "after", "delta").right(1, 2, 3);
        for (TableCount t : r.tables()) {
            counts.row(t.name(), count(t.before()), count(t.after()), delta(t.delta()));
        }
        for (TableCount t : r.findings()) {
            counts.row(t.name(), count(t.before()), count(t.after()), delta(t.delta()));
        }
        counts.printTo(log);
        log.info("schema revision: " + (Objects.equals(r.schemaBefore(), r.schemaAfter()) ? orNone(r.schemaAfter()) + " (unchanged)"
                : orNone(r.schemaBefore()) + " → " + orNone(r.schemaAfter()) + " (Open WebUI was upgraded or downgraded in between)"));

        if (f.none() && (r.folders() == null || r.folders().added() + r.folders().removed() + r.folders().modeChanged() == 0)) {
            log.info("no file differs");
            return;
        }
        files(log, "added", f.added(), r.added(), r.limit(), c -> new Object[] {"+ " + c.path(), Sizes.bytes(c.sizeAfter())});
        files(log, "removed", f.removed(), r.removed(), r.limit(), c -> new Object[] {"- " + c.path(), Sizes.bytes(c.sizeBefore())});
        files(log, "changed", f.changed(), r.changed(), r.limit(), c -> new Object[] {"~ " + c.path(),
                Sizes.bytes(c.sizeBefore()) + " → " + Sizes.bytes(c.sizeAfter()), signed(c.delta()),
                c.what() + (Objects.equals(c.modeBefore(), c.modeAfter()) || c.modeBefore() == null || c.modeAfter() == null ? ""
                        : ", mode " + c.modeBefore() + " → " + c.modeAfter())});
        files(log, "with a new mode", f.modeChanged(), r.modeChanged(), r.limit(), c -> new Object[] {"  " + c.path(), c.modeBefore() + " → " + c.modeAfter()});
        files(log, "same content, only a new time", f.touched(), r.touched(), r.limit(), c -> new Object[] {"  " + c.path(), Sizes.bytes(c.sizeAfter())});
        if (r.folders() != null) {
            long n = r.folders().added() + r.folders().removed() + r.folders().modeChanged();
            files(log, "folders", n, r.folderChanges(), r.limit(), c -> new Object[] {
                    (c.change().equals("added") ? "+ " : c.change().equals("removed") ? "- " : "  ") + c.path() + "/",
                    c.change().equals("mode") ? "mode " + c.modeBefore() + " → " + c.modeAfter() : ""});
        }
    }

    private static <T> void files(EngineLog log, String title, long n, List<T> kept, int limit, java.util.function.Function<T, Object[]> row) {
        if (n == 0 || limit == 0) {
            return;
        }
        log.info(title + " (" + Sizes.count(n) + "):");
        Table t = null;
        for (T c : kept) {
            Object[] cells = row.apply(c);
            if (t == null) {
                String[] header = new String[cells.length];
                java.util.Arrays.fill(header, "");
                t = new Table(header);
            }
            t.row(cells);
        }
        if (t != null) {
            // The header row is blank: drop it and its rule, keep the aligned rows.
            t.lines().stream().skip(2).map(l -> "  " + l.stripTrailing()).forEach(log::info);
        }
        if (n > kept.size()) {
            log.info("  … and " + Sizes.count(n - kept.size()) + " more (owui.diffLimit=" + limit + ")");
        }
    }

    private static String apart(Instant before, Instant after) {
        if (before == null || after == null) {
            return "";
        }
        Duration d = Duration.between(before, after);
        String s = human(d.abs());
        return d.isNegative() ? " (taken " + s + " earlier)" : " (taken " + s + " later)";
    }

    static String human(Duration d) {
        long days = d.toDays();
        if (days > 0) {
            return days + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toSeconds() + " s";
    }

    private static String bytes(long n, long delta) {
        return n == 0 ? "" : " (" + signed(delta) + ")";
    }

    static String signed(long bytes) {
        return bytes > 0 ? "+" + Sizes.bytes(bytes) : bytes < 0 ? "-" + Sizes.bytes(-bytes) : "±0 B";
    }

    private static String count(Long n) {
        return n == null ? "—" : Sizes.count(n);
    }

    private static String delta(Long n) {
        return n == null ? "" : n > 0 ? "+" + Sizes.count(n) : n < 0 ? "-" + Sizes.count(-n) : "0";
    }

    private static String orNone(String revision) {
        return revision == null ? "none recorded" : revision;
    }
}
