package org.lxcatastrophe.api.idmap;

/**
 * A range of subordinate ids on the host: container id {@code n} is host id {@code base + n}, {@code 0 <= n < size}.
 */
public record IdRange(long base, long size) {
    public IdRange {
        if (base < 0 || size <= 0) {
            throw new IllegalArgumentException("invalid id range " + base + "+" + size);
        }
    }

    /** The host id of container id {@code id}. */
    public long toHost(long id) {
        if (id < 0 || id >= size) {
            throw new IllegalArgumentException("id " + id + " is outside the container's range 0-" + (size - 1));
        }
        return base + id;
    }

    /** One past the last host id. */
    public long end() {
        return base + size;
    }
}
