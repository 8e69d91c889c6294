package org.lxcatastrophe.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The naming rule: the environment variable for a key is the key upper-cased with dots (and dashes) turned into
 * underscores ({@code dist.name} -> {@code DIST_NAME}). A few keys also accept an alias.
 */
final class EnvNames {

    /** Alias variable -> key. The key's own variable wins when both are set. */
    static final Map<String, String> ALIASES = Map.of("DIST_RELEASE", "dist.flavour");

    private EnvNames() {
    }

    static String envName(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (char c : key.toCharArray()) {
            sb.append(c == '.' || c == '-' ? '_' : c);
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    /** The variables that set {@code key}, the primary one first. */
    static List<String> variables(String key) {
        List<String> vars = new ArrayList<>();
        vars.add(envName(key));
        ALIASES.entrySet().stream().filter(e -> e.getValue().equals(key)).map(Map.Entry::getKey).sorted()
                .forEach(vars::add);
        return vars;
    }

    /** The variable and value that override {@code key}, if any is set. */
    static Optional<Map.Entry<String, String>> lookup(String key, Map<String, String> env) {
        for (String var : variables(key)) {
            String value = env.get(var);
            if (value != null) {
                return Optional.of(Map.entry(var, value));
            }
        }
        return Optional.empty();
    }
}
