package dev.owui.backup.retention;

import dev.owui.backup.format.BackupId;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides which backups a {@link Policy} keeps, with the rules that keep each one (so a dry run
 * can say why). Pure: ids in, decisions out; removing is the caller's job, under the lock.
 */
public final class Retention {
    private Retention() {
    }

    /** One backup's fate. {@code reasons} is empty for a backup that goes. */
    public record Decision(String backupId, boolean keep, List<String> reasons) {
    }

    /**
     * Applies the policy to complete backup ids (any order); returns decisions newest first.
     * Calendar buckets are taken in {@code zone} (an operator's "daily" is their local day).
     * {@code protect} (the backup just made, or null) is always kept.
     */
    public static List<Decision> decide(List<String> ids, Policy policy, ZoneId zone, String protect) {
        List<String> newestFirst = new ArrayList<>(ids);
        newestFirst.sort((a, b) -> BackupId.compare(b, a));
        Map<String, List<String>> reasons = new LinkedHashMap<>();
        newestFirst.forEach(id -> reasons.put(id, new ArrayList<>()));

        Map<String, Function<ZonedDateTime, String>> buckets = new LinkedHashMap<>();
        buckets.put("last", t -> null); // every backup is its own bucket
        buckets.put("hourly", t -> t.toLocalDate() + "T" + t.getHour());
        buckets.put("daily", t -> t.toLocalDate().toString());
        buckets.put("weekly", t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        buckets.put("monthly", t -> t.getYear() + "-" + t.getMonthValue());
        buckets.put("yearly", t -> String.valueOf(t.getYear()));
        int[] counts = {policy.last(), policy.hourly(), policy.daily(), policy.weekly(), policy.monthly(), policy.yearly()};

        int rule = 0;
        for (Map.Entry<String, Function<ZonedDateTime, String>> b : buckets.entrySet()) {
            int wanted = counts[rule++];
            int left = wanted;
            if (left == 0) {
                continue;
            }
            String lastBucket = null;
            boolean first = true;
            for (String id : newestFirst) {
                String bucket = b.getValue().apply(time(id).atZone(zone));
                if (left > 0 && (first || bucket == null || !bucket.equals(lastBucket))) {
                    reasons.get(id).add(b.getKey() + " " + (bucket == null ? "#" + (wanted - left + 1) : bucket));
                    left--;
                    lastBucket = bucket;
                    first = false;
                }
            }
            if (left > 0 && !newestFirst.isEmpty()) {
                // Not enough buckets to fill the rule: keep the oldest too (restic does the same).
                String oldest = newestFirst.get(newestFirst.size() - 1);
                if (!reasons.get(oldest).contains("oldest (" + b.getKey() + " short)")) {
                    reasons.get(oldest).add("oldest (" + b.getKey() + " short)");
                }
            }
        }
        if (protect != null && reasons.containsKey(protect) && reasons.get(protect).isEmpty()) {
            reasons.get(protect).add("just made");
        }
        List<Decision> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : reasons.entrySet()) {
            out.add(new Decision(e.getKey(), !e.getValue().isEmpty(), List.copyOf(e.getValue())));
        }
        return out;
    }

    /** The start time a backup id encodes (the suffix of same-second ids is ignored). */
    static Instant time(String id) {
        return BackupId.time(id);
    }
}
