package dev.owui.backup.store;

import dev.owui.backup.OwuiException;
import dev.owui.backup.ToolVersion;
import dev.owui.backup.format.DamageRecord;
import dev.owui.backup.format.FileEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The damage records of an instance at a target ({@code <instance>/damage/<uuid>.json}): verify
 * writes what it found damaged, and the next backup (or copy) that becomes the newest there reads
 * them under the lock, stores that content anew instead of sharing the damaged copy, and then
 * removes the records it honoured. Reusing stored data must never reuse damage.
 */
public final class DamageRecords {
    private DamageRecords() {
    }

    /** Writes one record of what a verify run found; returns its name. */
    public static String record(Target target, String instance, List<DamageRecord.Damaged> files) {
        String name = UUID.randomUUID() + ".json";
        DamageRecord r = new DamageRecord(DamageRecord.FORMAT, DamageRecord.FORMAT_VERSION, instance, Instant.now(),
                LockInfo.hostName(), ToolVersion.get(), List.copyOf(files));
        target.writeDamageRecord(instance, name, DamageRecord.write(r));
        return name;
    }

    /** Reads every record of an instance. A record that does not parse is kept as unreadable, not skipped. */
    public static Known read(Target target, String instance) {
        Map<String, List<DamageRecord.Damaged>> byPath = new HashMap<>();
        List<String> names = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : target.damageRecords(instance).entrySet()) {
            names.add(e.getKey());
            String where = target.location() + "/" + instance + "/" + DamageRecord.DIR + "/" + e.getKey();
            try {
                for (DamageRecord.Damaged d : DamageRecord.read(e.getValue(), where).files()) {
                    byPath.computeIfAbsent(d.path(), p -> new ArrayList<>()).add(d);
                }
            } catch (OwuiException bad) {
                unreadable.add(bad.problem());
            }
        }
        return new Known(byPath, names, unreadable);
    }

    /** The damage known at a target when a run began. */
    public static final class Known {
        private final Map<String, List<DamageRecord.Damaged>> byPath;
        private final List<String> names;
        private final List<String> unreadable;

        private Known(Map<String, List<DamageRecord.Damaged>> byPath, List<String> names, List<String> unreadable) {
            this.byPath = byPath;
            this.names = names;
            this.unreadable = unreadable;
        }

        /** None: a run that reads no records (or a target that has none). */
        public static Known none() {
            return new Known(Map.of(), List.of(), List.of());
        }

        /** The recorded damage that {@code e}'s stored copy may carry, or null. */
        public DamageRecord.Damaged find(FileEntry e) {
            if (e == null) {
                return null;
            }
            for (DamageRecord.Damaged d : byPath.getOrDefault(e.path(), List.of())) {
                if (d.covers(e)) {
                    return d;
                }
            }
            return null;
        }

        /** Records that do not parse: what they name is unknown, so a run shares nothing. */
        public List<String> unreadable() {
            return unreadable;
        }

        public boolean isEmpty() {
            return names.isEmpty();
        }

        /**
         * Removes the records read, once a run that honoured them made the newest backup: from then
         * on later runs share that backup's fresh copies, and a record kept would make every later
         * backup store the same content anew again (the fresh copy carries the same path and hash).
         * Returns the problem when removing fails (harmless: the next backup then stores that content anew once more).
         */
        public String consume(Target target, String instance) {
            try {
                for (String n : names) {
                    target.removeDamageRecord(instance, n);
                }
                return null;
            } catch (OwuiException e) {
                return "cannot remove the damage records at " + target.location() + "/" + instance + "/" + DamageRecord.DIR + ": "
                        + e.getMessage() + "; the next backup stores the recorded files anew once more";
            }
        }
    }
}
