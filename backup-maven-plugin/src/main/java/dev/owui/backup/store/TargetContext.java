package dev.owui.backup.store;

import dev.owui.backup.ssh.SshOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * What opening a target needs from its surroundings, asked for lazily so a local target never
 * touches SSH or credentials.
 *
 * @param baseDir     relative paths resolve against it (the project's directory)
 * @param sync        flush before a manifest makes a backup count
 * @param ssh         SSH options for a server id (null id: agent and default keys)
 * @param credentials the credentials of a settings.xml server id (fails naming a missing id)
 * @param environment the process environment as Maven sees it (AWS_* for the S3 provider chain)
 */
public record TargetContext(Path baseDir, boolean sync, Function<String, SshOptions> ssh,
                            Function<String, Credentials> credentials, Map<String, String> environment) {
}
