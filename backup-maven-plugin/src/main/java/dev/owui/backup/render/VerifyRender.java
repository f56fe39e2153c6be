package dev.owui.backup.render;

import dev.owui.backup.app.PerTarget;
import dev.owui.backup.app.VerifyGoal;
import dev.owui.backup.app.VerifyGoal.Checked3;
import dev.owui.backup.app.VerifyGoal.Verified;
import dev.owui.backup.report.EngineLog;
import dev.owui.backup.report.JsonReport;
import dev.owui.backup.report.Sizes;
import dev.owui.backup.report.Table;
import dev.owui.backup.repo.restore.RepoVerify;
import dev.owui.backup.verify.VerifyResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** owui:verify's console lines (each backup's damage, the summary table) and its report entries, per target as each is done. */
public final class VerifyRender {
    private final EngineLog log;
    private final JsonReport report;

    public VerifyRender(EngineLog log, JsonReport report) {
        this.log = log;
        this.report = report;
    }

    /** One target's lines and report entry. */
    public void target(PerTarget.Outcome<Verified> o) {
        Map<String, Object> entry = TargetEntries.add(report, o);
        if (o.location() != null) {
            entry.put("location", o.location());
        }
        if (o.value() != null) {
            print(o.value(), entry);
        }
        TargetEntries.close(entry, o);
    }

    private void print(Verified v, Map<String, Object> entry) {
        List<Map<String, Object>> backups = new ArrayList<>(v.results().stream().map(VerifyRender::verified).toList());
        Table table = new Table("backup", "files", "read", "result").right(1, 2);
        for (VerifyResult r : v.results()) {
            table.row(r.backupId(), Sizes.count(r.files()), Sizes.bytes(r.bytes()), r.whole() ? "ok" : r.damages().size() + " damaged");
            r.notes().forEach(n -> log.info(r.backupId() + ": " + n));
            for (String d : r.damages()) {
                log.warn(r.backupId() + ": DAMAGED " + d);
            }
        }
        RepoVerify.Result r3 = v.repo();
        if (r3 != null) {
            for (Checked3 b : v.format3()) {
                backups.add(verified3(b.backupId(), b.files(), b.problems()));
                table.row(b.backupId(), b.files() == null ? "?" : Sizes.count(b.files()), "(format 3)",
                        b.problems().isEmpty() ? "ok" : b.problems().size() + " damaged");
                b.problems().forEach(p -> log.warn(b.backupId() + ": DAMAGED " + VerifyGoal.line(p)));
            }
            r3.warnings().forEach(log::warn);
            entry.put("readData", v.readData().toString());
            entry.put("objectsRead", r3.objectsRead());
            entry.put("bytesRead", r3.bytesRead());
            entry.put("databasesChecked", r3.databasesChecked());
            entry.put("warnings", r3.warnings());
            log.info("format 3: read " + Sizes.count(r3.objectsRead()) + " object(s), " + Sizes.bytes(r3.bytesRead()) + ", "
                    + Sizes.count(r3.databasesChecked()) + " database(s) reassembled and checked (owui.readData=" + v.readData() + ")");
            if (r3.record() != null) {
                log.info("recorded " + r3.record().objects().size() + " damaged object(s) at " + v.damageRecordAt()
                        + ": the next backup stores their content anew instead of sharing the damaged copies");
            }
            if (r3.recordsDropped() > 0) {
                log.info("dropped " + r3.recordsDropped() + " damage record(s) whose objects all read intact now");
            }
        }
        entry.put("backups", backups);
        table.printTo(log);
        if (v.damaged() == 0) {
            log.info(v.count() == 1 ? "backup " + backups.get(0).get("backupId") + " is whole" : "all " + v.count() + " backups are whole");
        }
    }

    /** One verified backup: whole or damaged, and each damaged file. */
    static Map<String, Object> verified(VerifyResult r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("backupId", r.backupId());
        v.put("result", r.whole() ? "whole" : "damaged");
        v.put("files", r.files());
        v.put("bytes", r.bytes());
        v.put("damages", r.damages());
        v.put("damagedFiles", r.damagedFiles().stream().map(d -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", d.path());
            f.put("problem", d.problem());
            f.put("detail", d.detail());
            f.put("sha256", d.sha256());
            return f;
        }).toList());
        v.put("notes", r.notes());
        return v;
    }

    /**
     * One verified format 3 backup, in the same fields: each problem a line of {@code damages},
     * and each damaged object an entry of {@code damagedFiles} with the path that needs it and
     * the object's name ({@code object}; {@code sha256} is the same name: the hash of its stored bytes).
     */
    static Map<String, Object> verified3(String backupId, Long files, List<RepoVerify.Problem> problems) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("backupId", backupId);
        v.put("format", 3);
        v.put("result", problems.isEmpty() ? "whole" : "damaged");
        if (files != null) {
            v.put("files", files);
        }
        v.put("damages", problems.stream().map(VerifyGoal::line).toList());
        v.put("damagedFiles", problems.stream().filter(p -> p.damage() && p.object() != null).map(p -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("path", p.path() == null ? "(manifest chunk)" : p.path());
            f.put("problem", p.problem());
            f.put("detail", VerifyGoal.line(p));
            f.put("sha256", p.object());
            f.put("object", p.object());
            return f;
        }).toList());
        v.put("notes", List.of());
        return v;
    }
}
