package org.lxcatastrophe.api.distro;

/**
 * A configuration file to write into the rootfs: container path, content and mode (owner: the container's root).
 */
public record RenderedFile(String path, String content, int mode) {
}
