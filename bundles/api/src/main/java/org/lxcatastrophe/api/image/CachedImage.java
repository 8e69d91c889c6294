package org.lxcatastrophe.api.image;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A verified image in the local cache.
 *
 * @param ref        the image
 * @param buildId    the cached build
 * @param directory  the cache entry (holds the rootfs tarball, the metadata and {@code build_id})
 * @param rootfs     the rootfs tarball
 * @param expiry     when the cached build should be refreshed (from the image metadata), or {@code null}
 * @param downloaded whether this call downloaded anything (false when the cache was already up to date)
 */
public record CachedImage(ImageRef ref, String buildId, Path directory, Path rootfs, Instant expiry, boolean downloaded) {
}
