package dev.owui.backup.backup;

import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.store.Target;
import java.nio.file.Path;

/**
 * What one backup run is asked to do.
 *
 * @param dataDir       Open WebUI's DATA_DIR
 * @param target        where the backup goes
 * @param instance      the instance's folder name at the target
 * @param selector      which files of the data directory are taken
 * @param secretKeyFile the .webui_secret_key kept outside the data directory, or null
 * @param threads       files stored in parallel
 */
public record BackupOptions(Path dataDir, Target target, String instance, FileSelector selector, Path secretKeyFile, int threads) {

    public static final String DEFAULT_INSTANCE = "open-webui";
    /** Where the secret key sits in a backup tree: outside the data directory's own layout, on purpose. */
    public static final String SECRET_KEY_PATH = "_outside-data-dir/.webui_secret_key";

    public BackupOptions {
        if (threads < 1) {
            threads = 1;
        }
        if (selector == null) {
            selector = FileSelector.defaults();
        }
    }
}
