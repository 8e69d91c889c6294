package org.lxcatastrophe.config.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.metatype.AttributeDefinition;

/** Checks a textual value against a key's metatype: type, options, required. */
final class Validation {

    private Validation() {
    }

    /** Splits a multi-valued textual value on commas (blank parts dropped). */
    static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }

    /** @return empty when valid, otherwise what is wrong (without naming the key) */
    static String problem(KeyInfo info, String value) {
        if (value == null || value.isBlank()) {
            return info.required() && info.defaults().isEmpty() ? "a value is required" : "";
        }
        List<String> values = info.multiValued() ? split(value) : List.of(value.strip());
        for (String v : values) {
            String p = problemOfOne(info, v);
            if (!p.isEmpty()) {
                return p;
            }
        }
        return "";
    }

    private static String problemOfOne(KeyInfo info, String v) {
        switch (info.type()) {
            case AttributeDefinition.INTEGER:
            case AttributeDefinition.LONG:
            case AttributeDefinition.SHORT:
            case AttributeDefinition.BYTE:
                try {
                    long n = Long.parseLong(v);
                    if (info.type() == AttributeDefinition.INTEGER && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)) {
                        return "'" + v + "' is out of range for an integer";
                    }
                } catch (NumberFormatException e) {
                    return "'" + v + "' is not a whole number";
                }
                break;
            case AttributeDefinition.DOUBLE:
            case AttributeDefinition.FLOAT:
                try {
                    new BigDecimal(v);
                } catch (NumberFormatException e) {
                    return "'" + v + "' is not a number";
                }
                break;
            case AttributeDefinition.BOOLEAN:
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    return "'" + v + "' is not true or false";
                }
                break;
            case AttributeDefinition.CHARACTER:
                if (v.length() != 1) {
                    return "'" + v + "' is not a single character";
                }
                break;
            default:
                break;
        }
        if (!info.options().isEmpty() && !info.options().contains(v)) {
            return "'" + v + "' is not one of " + String.join(", ", info.options());
        }
        return "";
    }
}
