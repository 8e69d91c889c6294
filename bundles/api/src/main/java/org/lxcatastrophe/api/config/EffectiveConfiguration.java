package org.lxcatastrophe.api.config;

import java.util.List;

import org.lxcatastrophe.api.ConfigurationException;

/**
 * The configuration of every component that declares metatype, with environment overrides applied
 * (environment over {@code etc/<pid>.cfg} over defaults). Registered by the config bundle.
 */
public interface EffectiveConfiguration {

    /** Every known key, sorted by PID then key. */
    List<ConfigValue> values();

    /** The values of one PID. */
    List<ConfigValue> values(String pid);

    /**
     * Checks the values of {@code pid} against its metatype (types, options, required).
     *
     * @throws ConfigurationException naming the first invalid key and the environment variable that sets it
     */
    void validate(String pid) throws ConfigurationException;
}
