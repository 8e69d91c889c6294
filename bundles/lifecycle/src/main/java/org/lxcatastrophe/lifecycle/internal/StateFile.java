package org.lxcatastrophe.lifecycle.internal;

import java.util.Map;

/**
 * The container's state record in the {@link java.util.Properties} file format, written without
 * {@code Properties.store}: that writes a date comment with {@code Date.toString()}, which loads the JDK's time-zone
 * name tables to name the zone (2.7 MiB of resident memory and 0.7 MB of live heap in a 17 JVM, kept for the
 * runtime's life) for a comment nobody reads.
 */
final class StateFile {
    private StateFile() {
    }

    /** One {@code key=value} line per entry, in the map's order, escaped so that {@code Properties.load} reads them back. */
    static String format(String comment, Map<String, String> entries) {
        StringBuilder b = new StringBuilder("# ").append(comment).append('\n');
        for (Map.Entry<String, String> e : entries.entrySet()) {
            escape(b, e.getKey(), true);
            b.append('=');
            escape(b, e.getValue(), false);
            b.append('\n');
        }
        return b.toString();
    }

    private static void escape(StringBuilder b, String s, boolean key) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\f' -> b.append("\\f");
                case '=', ':', '#', '!' -> b.append('\\').append(c);
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        String hex = Integer.toHexString(c);
                        b.append("\\u").append("0000", hex.length(), 4).append(hex);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
