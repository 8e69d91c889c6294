package org.lxcatastrophe.api.image;

import java.nio.file.Path;
import java.util.List;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;

/**
 * Fetches images the way {@code lxc-create -t download} does (LXC images index, simplestreams, or a mirror),
 * verifies and caches them, and extracts them with the id shift.
 */
public interface ImageService {

    /** The image configured for this runtime (dist, release, arch, variant from the configuration). */
    ImageRef configuredImage();

    /** The builds the configured server offers. */
    List<ImageBuild> list() throws LxcatException;

    /** Makes sure a verified build of {@code ref} is in the cache and returns it. */
    CachedImage fetch(ImageRef ref, FetchOptions options) throws LxcatException;

    /** The builds in the local cache. */
    List<CachedImage> cached() throws LxcatException;

    /**
     * Extracts a cached image into {@code containerDir}/rootfs with every uid/gid shifted into {@code ids}.
     * Extraction goes to a temporary directory that is renamed into place, so a failure leaves nothing behind.
     *
     * @param containerName the container name substituted for {@code LXC_NAME} in the image's templates
     */
    ExtractedImage extract(CachedImage image, Path containerDir, String containerName, IdRange ids) throws LxcatException;
}
