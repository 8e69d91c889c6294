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

    /** {@code dist/release/arch/variant}, the form used in messages and in the cache layout. */
    @Override
    public String toString() {
        return dist + "/" + release + "/" + arch + "/" + variant;
    }
}
