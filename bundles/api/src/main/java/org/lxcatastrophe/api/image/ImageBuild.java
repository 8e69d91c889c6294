package org.lxcatastrophe.api.image;

import java.net.URI;

/**
 * One build of an image as a server offers it.
 *
 * @param ref      the image
 * @param buildId  the server's build id (e.g. {@code 20261201_05:24})
 * @param protocol {@code lxc} (images index) or {@code simplestreams}
 * @param location where the build's files are (a directory URI on the server or mirror)
 */
public record ImageBuild(ImageRef ref, String buildId, String protocol, URI location) {
}
