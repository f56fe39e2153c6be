package dev.owui.backup.report;

/** Where the engine reports to: Maven's log in the plugin, a list in tests, stderr in a child JVM. */
public interface EngineLog {
    void info(String line);

    void warn(String line);

    /** Detail for -X / debugging runs. */
    default void debug(String line) {
    }

    EngineLog SILENT = new EngineLog() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
        }
    };
}
