package dev.owui.backup.chats;

import dev.owui.backup.OwuiException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which chats of a backup to export; every criterion given must hold (they narrow each other).
 *
 * @param ids   chat ids ({@code chat.id}); each must be in the backup
 * @param title a case-insensitive substring of the title
 * @param user  the owner: user id, e-mail or name
 * @param since updated at or after this instant, or null
 * @param until updated before this instant, or null
 */
public record ChatSelection(List<String> ids, String title, String user, Instant since, Instant until) {

    public ChatSelection {
        ids = ids == null ? List.of() : ids.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        title = blankToNull(title);
        user = blankToNull(user);
    }

    /**
     * Parses the operator's words: {@code since}/{@code until} as an ISO date
     * ({@code 2024-05-01}, the whole day: since its start, until its end) or date-time
     * ({@code 2024-05-01T14:30}, optionally with seconds and an offset such as {@code Z} or
     * {@code +02:00}); without an offset they are read in {@code zone}.
     */
    public static ChatSelection of(List<String> ids, String title, String user, String since, String until, ZoneId zone) {
        Instant from = parse("owui.since", since, zone, false);
        Instant to = parse("owui.until", until, zone, true);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new OwuiException("owui.since (" + since + ") is not before owui.until (" + until + ")", "swap them, or widen the range");
        }
        return new ChatSelection(ids, title, user, from, to);
    }

    public boolean isEmpty() {
        return ids.isEmpty() && title == null && user == null && since == null && until == null;
    }

    /** The criteria in the operator's terms, for messages. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!ids.isEmpty()) {
            parts.add("id " + String.join(", ", ids));
        }
        if (title != null) {
            parts.add("title containing '" + title + "'");
        }
        if (user != null) {
            parts.add("user '" + user + "'");
        }
        if (since != null) {
            parts.add("updated since " + since);
        }
        if (until != null) {
            parts.add("updated before " + until);
        }
        return String.join(", ", parts);
    }

    /** Whether a chat row's title and update time (epoch seconds) satisfy the title and time criteria. */
    boolean matchesTitleAndTime(String chatTitle, long updatedAt) {
        if (title != null && (chatTitle == null || !chatTitle.toLowerCase(java.util.Locale.ROOT).contains(title.toLowerCase(java.util.Locale.ROOT)))) {
            return false;
        }
        if (since != null && updatedAt < since.getEpochSecond()) {
            return false;
        }
        return until == null || updatedAt < until.getEpochSecond();
    }

    private static Instant parse(String name, String value, ZoneId zone, boolean endOfDay) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
            }
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException noOffset) {
                return LocalDateTime.parse(v).atZone(zone).toInstant();
            }
        } catch (DateTimeParseException e) {
            throw new OwuiException(name + " '" + v + "' is not an ISO date or date-time",
                    "write e.g. 2024-05-01 (a whole day), 2024-05-01T14:30 (in owui.timeZone, default this machine's) or 2024-05-01T12:30:00Z");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
