package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What the wrapper's mounts allow, from mountinfo lines as Docker (20.10, cgroup v1 and v2) writes them. */
public class HostEnvironmentTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private HostEnvironment env(String... mountinfo) throws IOException {
        Path root = tmp.newFolder().toPath();
        Files.createDirectories(root.resolve("proc/self"));
        Files.write(root.resolve("proc/self/mountinfo"), List.of(mountinfo));
        return new HostEnvironment(root);
    }

    @Test
    public void dockerDefaultCgroupV1MountsAreReadOnly() throws IOException {
        HostEnvironment e = env(
                "85 70 0:46 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro",
                "86 85 0:47 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755",
                "87 86 0:29 /docker/b42b /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu",
                "88 86 0:30 /docker/b42b /sys/fs/cgroup/cpuacct ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpuacct",
                "95 86 0:36 /docker/b42b /sys/fs/cgroup/systemd ro,nosuid,nodev,noexec,relatime master:11 - cgroup cgroup rw,xattr,name=systemd");
        assertEquals(List.of("/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/systemd"), e.readOnlyCgroupMounts());
        assertTrue(e.sysReadOnly());
        String m = ContainerLifecycleImpl.readOnlyCgroupsMessage(e.readOnlyCgroupMounts(), false);
        assertTrue(m, m.contains("(/sys/fs/cgroup/cpu and 2 more)") && m.contains("-v /sys/fs/cgroup:/sys/fs/cgroup:ro"));
    }

    @Test
    public void hostCgroupsBoundReadOnlyKeepTheControllersWritable() throws IOException {
        // -v /sys/fs/cgroup:/sys/fs/cgroup:ro: only the tmpfs on top is read-only
        HostEnvironment e = env(
                "91 85 0:28 / /sys/fs/cgroup ro,relatime - tmpfs tmpfs rw,mode=755",
                "92 91 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "99 91 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd");
        assertEquals(List.of(), e.readOnlyCgroupMounts());
    }

    @Test
    public void cgroupV2ReadOnlyIsNamedWithTheV2Fix() throws IOException {
        HostEnvironment e = env("40 30 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate");
        assertEquals(List.of("/sys/fs/cgroup"), e.readOnlyCgroupMounts());
        String m = ContainerLifecycleImpl.readOnlyCgroupsMessage(e.readOnlyCgroupMounts(), true);
        assertTrue(m, m.contains("--privileged") && !m.contains(" more"));
        assertFalse(env("40 30 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw").readOnlyCgroupMounts().size() > 0);
    }
}
