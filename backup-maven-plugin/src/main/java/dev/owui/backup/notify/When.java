package dev.owui.backup.notify;

import dev.owui.backup.OwuiException;
import java.util.Locale;

/** When a notifier sends: on failure (the default: silence means success), on success, or always. */
public enum When {
    FAILURE, SUCCESS, ALWAYS;

    public boolean matches(Report r) {
        return this == ALWAYS || (this == SUCCESS) == r.succeeded();
    }

    public static When parse(String s) {
        if (s == null || s.isBlank()) {
            return FAILURE;
        }
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new OwuiException("unknown notification 'when' value '" + s + "'", "use failure, success or always");
        }
    }
}
