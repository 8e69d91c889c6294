package org.lxcatastrophe.api.image;

import java.nio.file.Path;
import java.util.List;

/**
 * An image unpacked into a container directory.
 *
 * @param image        the cached image it came from
 * @param rootfs       the container's rootfs directory
 * @param lxcConfig    the image's own LXC configuration lines (from {@code config-user}), with the template
 *                     variables substituted; the lifecycle keeps its {@code lxc.include} and {@code lxc.arch} lines
 * @param entries      how many archive entries were written
 */
public record ExtractedImage(CachedImage image, Path rootfs, List<String> lxcConfig, long entries) {
}
