package dev.owui.backup.repo;

import java.time.Instant;

/**
 * {@code repository.json}: written once, with write-if-absent, when a repository is first used;
 * never changed afterwards.
 *
 * @param format        always {@value #FORMAT}
 * @param formatVersion the newest format this repository may hold; a reader refuses a newer one
 * @param id            a random UUID naming this repository (a copy gets its own)
 * @param created       when it was created
 */
public record RepositoryInfo(String format, int formatVersion, String id, Instant created) {
    public static final String FORMAT = "owui-repository";
    public static final int FORMAT_VERSION = 3;
}
