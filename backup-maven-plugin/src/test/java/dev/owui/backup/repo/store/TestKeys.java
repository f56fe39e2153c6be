package dev.owui.backup.repo.store;

/** The store's own temp naming, for tests outside this package that leave what a killed write leaves. */
public final class TestKeys {
    private TestKeys() {
    }

    /** A fresh temp name beside the object named {@code name}, as the stores make them. */
    public static String tempName(String name) {
        return Keys.tempName(name);
    }

    /** Whether {@code name} is a temp name the stores make. */
    public static boolean isTemp(String name) {
        return Keys.isTemp(name);
    }
}
