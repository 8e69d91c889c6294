package org.lxcatastrophe.lifecycle.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the host (usually the wrapper's Docker container) allows, read from {@code /proc} and {@code /sys}. The root
 * is a parameter so tests can describe another machine with a fake tree.
 */
public final class HostEnvironment {

    private final Path root;

    public HostEnvironment(Path root) {
        this.root = root;
    }

    public static HostEnvironment system() {
        return new HostEnvironment(Path.of("/"));
    }

    Path root() {
        return root;
    }

    /** Whether {@code /sys} is mounted read-only (Docker without --privileged): LXC's {@code sys:mixed} then fails. */
    public boolean sysReadOnly() {
        try {
            for (String line : Files.readAllLines(root.resolve("proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 5 && f[4].equals("/sys")) {
                    return List.of(f[5].split(",")).contains("ro");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /**
     * Whether LXC can confine the container with AppArmor: the module is enabled, its filesystem is visible and this
     * process is not itself confined (a confined wrapper cannot load or change to the container's profile).
     */
    public boolean apparmorUsable() {
        try {
            Path enabled = root.resolve("sys/module/apparmor/parameters/enabled");
            if (!Files.exists(enabled) || !Files.readString(enabled).trim().equals("Y")) {
                return false;
            }
            if (!Files.isDirectory(root.resolve("sys/kernel/security/apparmor"))) {
                return false;
            }
            for (String attr : List.of("proc/self/attr/apparmor/current", "proc/self/attr/current")) {
                Path p = root.resolve(attr);
                if (Files.exists(p)) {
                    String label = Files.readString(p).replace("\0", "").trim();
                    return label.isEmpty() || label.equals("unconfined");
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The cgroup hierarchies mounted read-only (Docker without {@code --privileged} and without the host's
     * {@code /sys/fs/cgroup}): LXC then cannot give the container a cgroup of its own, and systemd stops at boot.
     */
    public List<String> readOnlyCgroupMounts() {
        List<String> ro = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(root.resolve("proc/self/mountinfo"))) {
                // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
                String[] f = line.split(" ");
                int dash = Arrays.asList(f).indexOf("-");
                if (dash < 0 || dash + 1 >= f.length || f.length < 6) {
                    continue;
                }
                String type = f[dash + 1];
                if ((type.equals("cgroup") || type.equals("cgroup2")) && f[4].startsWith("/sys/fs/cgroup")
                        && List.of(f[5].split(",")).contains("ro")) {
                    ro.add(f[4]);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return ro;
    }

    /** Whether cgroups are the unified (v2 only) hierarchy. */
    public boolean cgroupV2() {
        return Files.exists(root.resolve("sys/fs/cgroup/cgroup.controllers"));
    }
}
