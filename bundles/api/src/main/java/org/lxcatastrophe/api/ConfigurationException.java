package org.lxcatastrophe.api;

/**
 * An invalid configuration value. The message names the key (and the environment variable that sets it).
 */
public class ConfigurationException extends LxcatException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigurationException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The configuration key, e.g. {@code dist.name}. */
    public String key() {
        return key;
    }
}
