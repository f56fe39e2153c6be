package dev.owui.backup.maven;

import dev.owui.backup.app.PerTarget;
import dev.owui.backup.config.ListConfig;
import dev.owui.backup.render.ListRender;
import org.apache.maven.plugins.annotations.Mojo;

/** Lists the complete backups of an instance at a target, newest first: format 1/2 trees and format 3 backups (heads) together. */
@Mojo(name = "list", requiresProject = false, threadSafe = true)
public class ListMojo extends AbstractTargetMojo {

    @Override
    protected String goal() {
        return "list";
    }

    @Override
    protected void run() {
        PerTarget.Outcomes<?> r = owui().list(new ListConfig(targets()), new ListRender(engineLog(), report(), instance)::target);
        r.throwIfFailed();
    }
}
