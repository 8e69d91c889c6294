package org.lxcatastrophe.api.config;

/**
 * One configuration key as the runtime sees it.
 *
 * @param pid          the Config Admin PID, e.g. {@code org.lxcatastrophe.image}
 * @param key          the key, e.g. {@code dist.name}
 * @param envVar       the environment variable that overrides it, e.g. {@code DIST_NAME}
 * @param value        the effective value (multiple values joined with commas), empty when unset
 * @param source       where the value came from
 * @param defaultValue the metatype default, empty when none
 * @param description  the metatype description (one line)
 * @param problem      why the value is invalid, or empty when it is valid
 */
public record ConfigValue(String pid, String key, String envVar, String value, Source source, String defaultValue,
        String description, String problem) {

    /** Where an effective value came from. */
    public enum Source {
        DEFAULT, FILE, ENV
    }

    public boolean valid() {
        return problem.isEmpty();
    }
}
