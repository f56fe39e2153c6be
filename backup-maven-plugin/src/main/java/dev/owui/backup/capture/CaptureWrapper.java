package dev.owui.backup.capture;

import java.util.function.Supplier;

/**
 * Wraps a capture: the identity for a hot backup, stop/start commands around it for a cold or
 * paused one (see dev.owui.backup.quiesce).
 */
@FunctionalInterface
public interface CaptureWrapper {
    BackupResult around(Supplier<BackupResult> capture);

    CaptureWrapper HOT = Supplier::get;
}
