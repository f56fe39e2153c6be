package dev.owui.backup.config;

/**
 * owui:list's configuration.
 *
 * @param targets where: owui.target, or each target of owui.plan
 */
public record ListConfig(TargetChoice targets) {
}
