package dev.owui.backup.provision;

/**
 * The settings.xml pushed only on request (owui.settingsFile): compared and written like any
 * file, but mode 0600 and its content never in a diff; a marker beside it says install-cron put
 * it there, so that absent removes it (and only it: one the operator placed by hand stays).
 */
final class SettingsFile {
    /** The file name of a settings.xml pushed on request (owui.settingsFile), in the job's directory. */
    static final String NAME = "settings.xml";
    /**
     * Written next to the settings.xml when install-cron puts it there: absent removes a
     * settings.xml only when this says it is ours (one the operator placed by hand stays).
     */
    static final String MARKER = ".settings.xml.owui-installed";
    static final String MARKER_TEXT = "settings.xml was put here by owui:install-cron (owui.settingsFile);"
            + " owui:install-cron -Dowui.state=absent removes it\n";

    private SettingsFile() {
    }

    /** Puts it in {@code dir}: the marker first, so a settings.xml of ours is never left without one. */
    static void put(Remote remote, ProvisionOptions o, Tasks tasks, String dir, String content) {
        String path = dir + "/" + NAME;
        String current = remote.read(path, false);
        String marker = dir + "/" + MARKER;
        boolean marked = remote.read(marker, false) != null;
        boolean differs = !content.equals(current);
        tasks.task(path + " (mode 0600)", differs || !marked, differs && o.diff() ? TaskDiff.withheld(NAME, current != null, true) : null);
        if (!o.check()) {
            if (!marked) {
                remote.write(marker, MARKER_TEXT, "0644", false);
            }
            if (differs) {
                remote.write(path, content, "0600", false);
            }
        }
    }

    /** Removes it from {@code dir} with its .bak (an older secret), a temp file a failed upload left, and the marker last. */
    static void remove(Remote remote, ProvisionOptions o, Tasks tasks, String dir, boolean there) {
        String path = dir + "/" + NAME;
        tasks.task("remove " + path, there, there && o.diff() ? TaskDiff.withheld(NAME, true, false) : null);
        if (!o.check()) {
            remote.must("removing " + path, "rm -f " + Remote.quote(path) + " " + Remote.quote(path + ".bak") + " "
                    + Remote.quote(dir + "/." + NAME + ".owui-tmp") + " && rm -f " + Remote.quote(dir + "/" + MARKER));
        }
    }
}
