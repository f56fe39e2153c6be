package dev.owui.backup.app;

import dev.owui.backup.OwuiException;
import dev.owui.backup.catalog.Catalog;
import dev.owui.backup.config.Jobs;
import dev.owui.backup.config.RunContext;
import dev.owui.backup.config.VerifyConfig;
import dev.owui.backup.repo.Repository;
import dev.owui.backup.repo.backup.BackupHead;
import dev.owui.backup.repo.restore.ReadData;
import dev.owui.backup.repo.restore.RepoVerify;
import dev.owui.backup.repo.restore.TargetRepo;
import dev.owui.backup.store.Target;
import dev.owui.backup.store.TargetSpec;
import dev.owui.backup.verify.Verifier;
import dev.owui.backup.verify.VerifyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * owui:verify: re-reads the stored backups at each target, format 1/2 trees with the Verifier
 * and format 3 backups with the repository's verify, and returns what each target's backups are
 * (whole or damaged, and why). A target with a damaged backup fails; the others still run.
 */
public final class VerifyGoal {
    private final RunContext c;

    VerifyGoal(RunContext c) {
        this.c = c;
    }

    /**
     * One format 3 backup as verify found it.
     *
     * @param backupId the backup
     * @param files    how many files its head counts, or null when the head is unreadable
     * @param problems what is wrong with it (damaged objects no backup names any more go with the last)
     */
    public record Checked3(String backupId, Long files, List<RepoVerify.Problem> problems) {
    }

    /**
     * What verify found at one target.
     *
     * @param location       where the target is
     * @param readData       which format 3 objects were read back
     * @param results        the format 1/2 backups verified
     * @param format3        the format 3 backups verified, or empty
     * @param repo           the repository's verify (objects read, warnings, damage record), or null when no format 3 backup was verified
     * @param damageRecordAt where the repository recorded damaged objects, or null
     */
    public record Verified(String location, ReadData readData, List<VerifyResult> results, List<Checked3> format3, RepoVerify.Result repo,
                           String damageRecordAt) {

        /** How many backups were verified. */
        public int count() {
            return results.size() + format3.size();
        }

        /** How many of them are damaged. */
        public long damaged() {
            return results.stream().filter(r -> !r.whole()).count() + format3.stream().filter(b -> !b.problems().isEmpty()).count();
        }

        /** Why the target fails (its damaged backups, the first format 3 problems named), or null when every backup is whole. */
        public OwuiException failure() {
            long damaged = damaged();
            if (damaged == 0) {
                return null;
            }
            List<String> named = new ArrayList<>();
            format3.forEach(b -> b.problems().forEach(p -> {
                if (named.size() < 5) {
                    named.add("backup " + b.backupId() + ": " + line(p));
                }
            }));
            return new OwuiException(damaged + " of " + count() + " backup(s) damaged at " + location
                    + (named.isEmpty() ? " (listed above)" : ": " + String.join("; ", named) + (named.size() == 5 ? "; … (listed above)" : "")),
                    "do not rely on them: take a fresh backup now (it stores the damaged files anew instead of sharing them;"
                            + " -Dowui.full=true stores every file anew), and restore only from a backup that verifies");
        }
    }

    /** A format 3 problem as one line: the path, the object, what is wrong. */
    public static String line(RepoVerify.Problem p) {
        return (p.path() == null ? "" : p.path() + ": ") + (p.object() == null ? "" : "object " + p.object() + ": ") + p.problem();
    }

    PerTarget.Outcomes<Verified> run(VerifyConfig config, Consumer<PerTarget.Outcome<Verified>> each) {
        List<TargetSpec> specs = Jobs.read(c.plans(), config.targets(), c.targetSpec()).targets();
        return PerTarget.run(c, "verify", specs, (spec, t) -> verify(spec, t, config), Verified::failure, each);
    }

    private Verified verify(TargetSpec spec, Target t, VerifyConfig config) {
        String instance = c.instance();
        String backupId = config.backupId();
        ReadData read = config.readData();
        List<VerifyResult> results = new ArrayList<>();
        try (TargetRepo repo = TargetRepo.open(spec, c.targets(), instance, c.log())) {
            if (repo.repository().isEmpty()) {
                results.addAll(new Verifier(c.log(), c.keys().get()).run(t, instance, backupId));
                return new Verified(t.location(), read, results, List.of(), null, null);
            }
            Repository repository = repo.repository().get();
            List<String> format2 = new Catalog(t, instance).ids();
            List<String> format3 = repo.ids();
            String only = null;
            boolean all = Catalog.ALL.equals(backupId);
            if (all) {
                if (format2.isEmpty() && format3.isEmpty()) {
                    throw new OwuiException("no backups of instance '" + instance + "' at " + t.location(),
                            "check owui.target and owui.instance; run owui:backup first");
                }
                if (!format2.isEmpty()) {
                    results.addAll(new Verifier(c.log(), c.keys().get()).run(t, instance, Catalog.ALL));
                }
            } else {
                TargetRepo.Choice choice = TargetRepo.choose(format2, format3, backupId, t.location(), instance, c.log());
                if (choice.repo()) {
                    only = choice.backupId();
                } else {
                    results.addAll(new Verifier(c.log(), c.keys().get()).run(t, instance, choice.backupId()));
                }
            }
            if (only == null && !(all && !format3.isEmpty())) {
                return new Verified(t.location(), read, results, List.of(), null, null);
            }
            c.log().info("verifying " + (only == null ? "all " + format3.size() + " format 3 backups" : "format 3 backup " + only)
                    + " at " + t.location() + " (owui.readData=" + read + ")");
            RepoVerify.Result r3 = new RepoVerify(repository).run(new RepoVerify.Options(only, read, c.keys().get(), true,
                    config.postgres() == null ? null : config.postgres().scratchServer()));
            return new Verified(t.location(), read, results, checked(repository, r3), r3,
                    r3.record() == null ? null : repository.where("damage/" + r3.record().id() + ".json"));
        }
    }

    /** Each format 3 backup verified with its problems, in backup order, and its file count from its head. */
    private static List<Checked3> checked(Repository repo, RepoVerify.Result r3) {
        Map<String, List<RepoVerify.Problem>> by = r3.byBackup();
        List<String> ids = new ArrayList<>(r3.backups());
        by.keySet().stream().filter(id -> id != null && !ids.contains(id)).forEach(ids::add);
        List<Checked3> out = new ArrayList<>();
        for (String id : ids) {
            List<RepoVerify.Problem> problems = new ArrayList<>(by.getOrDefault(id, List.of()));
            if (id.equals(ids.get(ids.size() - 1))) {
                problems.addAll(by.getOrDefault(null, List.of())); // damaged objects no backup names any more
            }
            Long files = null;
            try {
                BackupHead h = repo.backups().head(id);
                files = h.totals() == null ? null : h.totals().files();
            } catch (OwuiException e) {
                // an unreadable head is among the problems already
            }
            out.add(new Checked3(id, files, List.copyOf(problems)));
        }
        return out;
    }
}
