package org.lxcatastrophe.api.distro;

import java.util.List;
import java.util.Map;

/**
 * The identity of a rootfs from {@code /etc/os-release} (or {@code /usr/lib/os-release}).
 *
 * @param id        {@code ID}, lower case (e.g. {@code debian})
 * @param idLike    {@code ID_LIKE}, split on spaces
 * @param versionId {@code VERSION_ID}, or empty
 * @param fields    every field, quotes removed
 */
public record OsRelease(String id, List<String> idLike, String versionId, Map<String, String> fields) {
    public OsRelease {
        idLike = List.copyOf(idLike);
        fields = Map.copyOf(fields);
    }

    /** Whether {@code ID} or one of {@code ID_LIKE} is {@code name}. */
    public boolean is(String name) {
        return id.equals(name) || idLike.contains(name);
    }

    /** The major version number of {@code VERSION_ID}, or -1. */
    public int majorVersion() {
        String major = versionId.split("\\.", 2)[0];
        return major.matches("\\d+") ? Integer.parseInt(major) : -1;
    }
}
