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
    default ExtractedImage extract(CachedImage image, Path containerDir, String containerName, IdRange ids) throws LxcatException {
        return extract(image, containerDir, containerName, ids, extracted -> { });
    }

    /**
     * What the caller writes about a container before its rootfs appears, see
     * {@link #extract(CachedImage, Path, String, IdRange, BeforeInstall)}.
     */
    @FunctionalInterface
    interface BeforeInstall {
        /** @param extracted the finished tree, described with the rootfs path it is about to be renamed to */
        void record(ExtractedImage extracted) throws LxcatException;
    }

    /**
     * Like {@link #extract(CachedImage, Path, String, IdRange)}, but calls {@code beforeInstall} with the finished
     * tree just before it is renamed into place: whatever it writes exists whenever the rootfs does, so a kill at any
     * moment cannot leave a rootfs its caller has no record of. If it throws, the tree is removed and nothing is
     * installed.
     */
    ExtractedImage extract(CachedImage image, Path containerDir, String containerName, IdRange ids,
            BeforeInstall beforeInstall) throws LxcatException;
}
