package dev.owui.backup.maven;

import java.util.List;

/** The {@code <targets>} and {@code <plans>} entries of a pom, as Maven fills them, for Mojos built in tests. */
final class MojoConfigs {
    private MojoConfigs() {
    }

    static TargetConfig target(String id, String url) {
        TargetConfig t = new TargetConfig();
        t.id = id;
        t.url = url;
        return t;
    }

    static PlanConfig plan(String id, String... targets) {
        PlanConfig p = new PlanConfig();
        p.id = id;
        p.targets = List.of(targets);
        return p;
    }
}
