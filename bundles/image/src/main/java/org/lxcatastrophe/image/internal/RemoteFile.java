package org.lxcatastrophe.image.internal;

import java.net.URI;

/**
 * One file of a build on the server.
 *
 * @param name   the name in the cache entry ({@code rootfs.tar.xz}, {@code meta.tar.xz}, {@code incus.tar.xz} ...)
 * @param uri    where it is
 * @param size   its size when the server says (simplestreams), else -1
 * @param sha256 its sha256 when the server says, else null
 */
record RemoteFile(String name, URI uri, long size, String sha256) {
}
