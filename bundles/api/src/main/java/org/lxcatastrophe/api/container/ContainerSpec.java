package org.lxcatastrophe.api.container;

import java.nio.file.Path;

/**
 * A container as LXC sees it: {@code lxcPath/name/config} and {@code lxcPath/name/rootfs}.
 */
public record ContainerSpec(String name, Path lxcPath) {

    public Path directory() {
        return lxcPath.resolve(name);
    }

    public Path config() {
        return directory().resolve("config");
    }

    public Path rootfs() {
        return directory().resolve("rootfs");
    }
}
