package dev.owui.backup.repo.store;

import dev.owui.backup.OwuiException;

/** A read of a key that the store does not hold. */
public class NoSuchObjectException extends OwuiException {
    private final String key;

    public NoSuchObjectException(String location, String key) {
        super("no object " + key + " at " + location,
                "the repository names an object the store does not hold: run owui:verify to see which backups are affected");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
