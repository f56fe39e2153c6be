package dev.owui.backup.maven;

import dev.owui.backup.report.EngineLog;
import org.apache.maven.plugin.logging.Log;

/** The engine's log written to Maven's. */
final class MavenEngineLog implements EngineLog {
    private final Log log;

    MavenEngineLog(Log log) {
        this.log = log;
    }

    @Override
    public void info(String line) {
        log.info(line);
    }

    @Override
    public void warn(String line) {
        log.warn(line);
    }

    @Override
    public void debug(String line) {
        log.debug(line);
    }
}
