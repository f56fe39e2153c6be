package dev.owui.backup.store;

/** The source file was deleted between listing and copying it, as happens on a live instance. */
public final class SourceVanishedException extends RuntimeException {
    public SourceVanishedException(String path) {
        super(path + " was deleted while the backup ran");
    }
}
