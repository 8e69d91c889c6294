package org.lxcatastrophe.lifecycle.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lxcatastrophe.api.distro.OsRelease;
import org.lxcatastrophe.api.rootfs.RootfsView;

/** Reads {@code /etc/os-release} (or {@code /usr/lib/os-release}) of a rootfs. */
final class OsReleaseParser {

    private OsReleaseParser() {
    }

    static Optional<OsRelease> read(RootfsView rootfs) throws IOException {
        Optional<String> text = rootfs.read("/etc/os-release");
        if (text.isEmpty()) {
            text = rootfs.read("/usr/lib/os-release");
        }
        return text.map(OsReleaseParser::parse);
    }

    static OsRelease parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.trim();
            int eq = l.indexOf('=');
            if (l.startsWith("#") || eq <= 0) {
                continue;
            }
            String v = l.substring(eq + 1).trim();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            fields.put(l.substring(0, eq).trim(), v.replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        String id = fields.getOrDefault("ID", "linux").toLowerCase();
        String like = fields.getOrDefault("ID_LIKE", "").trim().toLowerCase();
        List<String> idLike = like.isEmpty() ? List.of() : Arrays.asList(like.split("\\s+"));
        return new OsRelease(id, idLike, fields.getOrDefault("VERSION_ID", ""), fields);
    }
}
