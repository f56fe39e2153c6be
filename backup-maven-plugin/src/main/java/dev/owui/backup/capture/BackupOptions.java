package dev.owui.backup.capture;

import dev.owui.backup.codec.CodecSettings;
import dev.owui.backup.instance.FileSelector;
import dev.owui.backup.store.Target;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What one backup run is asked to do.
 *
 * @param dataDir       Open WebUI's DATA_DIR
 * @param target        where the backup goes
 * @param instance      the instance's folder name at the target
 * @param selector      which files of the data directory are taken
 * @param secretKeyFile the .webui_secret_key kept outside the data directory, or null
 * @param threads       files stored in parallel
 * @param mode          how the instance is held while capturing (recorded in the manifest)
 * @param codec         compression and encryption of the stored files
 * @param full          store every file anew, sharing nothing with earlier backups (owui.full)
 */
public record BackupOptions(Path dataDir, Target target, String instance, FileSelector selector, Path secretKeyFile, int threads,
                            Mode mode, CodecSettings codec, boolean full) {

    /** Where the secret key sits in a backup tree: outside the data directory's own layout, on purpose. */
    public static final String SECRET_KEY_PATH = "_outside-data-dir/.webui_secret_key";

    /**
     * How the instance is held while its files are captured. The runner itself does not stop or
     * pause anything (see {@link dev.owui.backup.quiesce.Quiescer}); the mode says what the caller
     * did, and decides how the databases are taken.
     */
    public enum Mode {
        /** Open WebUI keeps running: databases through SQLite's online backup API. */
        HOT,
        /** Open WebUI is stopped: databases copied as files, with any leftover -wal or -journal. */
        COLD,
        /**
         * Open WebUI's processes are frozen (docker pause): databases copied as files like cold. A
         * frozen writer may hold a lock mid-transaction, which would stall the backup API for its
         * whole busy timeout; the files with their -wal/-journal are consistent as a set, as after a crash.
         */
        PAUSED;

        /** The manifest's name of the mode: hot, cold, paused. */
        public String manifestName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** True when the databases are copied as files rather than through the backup API. */
        public boolean copiesDatabaseFiles() {
            return this != HOT;
        }

        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new dev.owui.backup.OwuiException("unknown backup mode '" + s + "'", "use hot, paused or cold");
            }
        }
    }

    public BackupOptions {
        if (threads < 1) {
            threads = 1;
        }
        if (selector == null) {
            selector = FileSelector.defaults();
        }
        if (mode == null) {
            mode = Mode.HOT;
        }
        if (codec == null) {
            codec = CodecSettings.plain();
        }
    }

    /** A hot backup stored plain. */
    public BackupOptions(Path dataDir, Target target, String instance, FileSelector selector, Path secretKeyFile, int threads) {
        this(dataDir, target, instance, selector, secretKeyFile, threads, Mode.HOT, CodecSettings.plain(), false);
    }

    public BackupOptions withMode(Mode m) {
        return new BackupOptions(dataDir, target, instance, selector, secretKeyFile, threads, m, codec, full);
    }

    public BackupOptions withCodec(CodecSettings c) {
        return new BackupOptions(dataDir, target, instance, selector, secretKeyFile, threads, mode, c, full);
    }

    public BackupOptions withFull(boolean f) {
        return new BackupOptions(dataDir, target, instance, selector, secretKeyFile, threads, mode, codec, f);
    }
}
