package org.lxcatastrophe.api.image;

import java.util.Objects;

/**
 * Which image to fetch: distribution, release (the seed's "flavour"), architecture and variant, as the LXC
 * images index names them (e.g. {@code debian/bookworm/amd64/default}).
 */
public record ImageRef(String dist, String release, String arch, String variant) {
    public ImageRef {
        Objects.requireNonNull(dist, "dist");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(variant, "variant");
    }

    // equals and hashCode written out: a record's generated ones are bootstrapped through method handles the first
    // time they run, which makes the JVM spin classes that stay in memory for the runtime's life

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageRef r && dist.equals(r.dist) && release.equals(r.release) && arch.equals(r.arch)
                && variant.equals(r.variant);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dist, release, arch, variant);
    }

    /** {@code dist/release/arch/variant}, the form used in messages and in the cache layout. */
    @Override
    public String toString() {
        return dist + "/" + release + "/" + arch + "/" + variant;
    }
}
