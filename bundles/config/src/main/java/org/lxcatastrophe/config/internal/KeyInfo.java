package org.lxcatastrophe.config.internal;

import java.util.List;

/**
 * What metatype says about one key: its PID, type ({@link org.osgi.service.metatype.AttributeDefinition} constants),
 * cardinality, default, allowed options and description.
 */
record KeyInfo(String pid, String key, int type, int cardinality, List<String> defaults, List<String> options,
        boolean required, String description) {

    KeyInfo {
        defaults = defaults == null ? List.of() : List.copyOf(defaults);
        options = options == null ? List.of() : List.copyOf(options);
        description = description == null ? "" : description;
    }

    boolean multiValued() {
        return cardinality != 0;
    }
}
