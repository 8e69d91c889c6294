package org.lxcatastrophe.network.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process runs inside a container (Docker, Podman, LXC, Kubernetes). */
final class ContainerCheck {
    private ContainerCheck() {
    }

    static boolean insideContainer() {
        if (Files.exists(Path.of("/.dockerenv")) || Files.exists(Path.of("/run/.containerenv"))) {
            return true;
        }
        if (System.getenv("container") != null) {
            return true;
        }
        try {
            String cgroup = Files.readString(Path.of("/proc/1/cgroup"));
            return cgroup.contains("docker") || cgroup.contains("kubepods") || cgroup.contains("containerd")
                    || cgroup.contains("/lxc/") || cgroup.contains("libpod");
        } catch (IOException e) {
            return false;
        }
    }
}
