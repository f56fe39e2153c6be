package dev.owui.backup.capture;

import dev.owui.backup.OwuiException;

/** Instance names become folder names at every target, so they are kept portable. */
public final class InstanceNames {
    private InstanceNames() {
    }

    public static String check(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new OwuiException("instance name '" + name + "' is not usable as a folder name",
                    "use letters, digits, '.', '_' or '-' (at most 64, not starting with '.' or '-'), e.g. -Dowui.instance=prod");
        }
        return name;
    }
}
