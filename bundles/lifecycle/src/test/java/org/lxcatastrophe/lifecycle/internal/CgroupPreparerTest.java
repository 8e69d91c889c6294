package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The cgroup v2 decisions, on a fake /proc + /sys/fs/cgroup tree (the machine running the tests may be v1). */
public class CgroupPreparerTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path root;

    private Path fakeV2(String ownCgroup, String controllers, String subtree, String procs, boolean realRoot)
            throws Exception {
        root = tmp.getRoot().toPath();
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/cgroup"), "0::" + ownCgroup + "\n");
        Path fs = Files.createDirectories(root.resolve("sys/fs/cgroup"));
        Files.writeString(fs.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Path cg = ownCgroup.equals("/") ? fs : Files.createDirectories(fs.resolve(ownCgroup.substring(1)));
        Files.writeString(cg.resolve("cgroup.controllers"), controllers + "\n");
        Files.writeString(cg.resolve("cgroup.subtree_control"), subtree + "\n");
        Files.writeString(cg.resolve("cgroup.procs"), procs);
        if (!realRoot) {
            Files.writeString(cg.resolve("cgroup.type"), "domain\n");
        }
        return cg;
    }

    @Test
    public void v1DoesNothing() throws Exception {
        root = tmp.getRoot().toPath();
        Files.createDirectories(root.resolve("sys/fs/cgroup/memory"));
        CgroupPreparer.Plan p = new CgroupPreparer(new HostEnvironment(root)).plan();
        assertFalse(p.v2());
        assertTrue(p.nothingToDo());
    }

    @Test
    public void dockerStyleNamespaceRootMovesOwnProcessesAndEnablesControllers() throws Exception {
        // docker --cgroupns=private: we see our cgroup as "/" but it is not the real root (it has cgroup.type)
        Path cg = fakeV2("/", "cpu io memory pids", "", "1\n7\n", false);
        CgroupPreparer prep = new CgroupPreparer(new HostEnvironment(root));
        CgroupPreparer.Plan p = prep.plan();
        assertTrue(p.v2());
        assertEquals(List.of("1", "7"), p.pidsToMove());
        assertEquals(List.of("cpu", "io", "memory", "pids"), p.controllersToEnable());
        assertEquals(cg.resolve(CgroupPreparer.CHILD), p.child());
        prep.apply(p);
        assertTrue(Files.isDirectory(cg.resolve(CgroupPreparer.CHILD)));
        // a real cgroupfs takes one pid / one controller per write; the fake file keeps the last write
        assertEquals("7\n", Files.readString(cg.resolve(CgroupPreparer.CHILD).resolve("cgroup.procs")));
        assertEquals("+pids\n", Files.readString(cg.resolve("cgroup.subtree_control")));
    }

    @Test
    public void nestedCgroupOnlyEnablesWhatIsMissing() throws Exception {
        fakeV2("/system.slice/lxcat.service", "cpu memory pids", "cpu memory", "42\n", false);
        CgroupPreparer.Plan p = new CgroupPreparer(new HostEnvironment(root)).plan();
        assertEquals(List.of("pids"), p.controllersToEnable());
        assertEquals(List.of("42"), p.pidsToMove());
    }

    @Test
    public void alreadyDelegatedNeedsNothing() throws Exception {
        fakeV2("/lxcat", "cpu memory", "cpu memory", "42\n", false);
        CgroupPreparer.Plan p = new CgroupPreparer(new HostEnvironment(root)).plan();
        assertTrue(p.v2());
        assertTrue(p.nothingToDo());
    }

    @Test
    public void realRootIsNeverEmptied() throws Exception {
        fakeV2("/", "cpu memory", "", "1\n2\n3\n", true);
        CgroupPreparer.Plan p = new CgroupPreparer(new HostEnvironment(root)).plan();
        assertEquals(List.of(), p.pidsToMove());
        assertEquals(List.of("cpu", "memory"), p.controllersToEnable());
    }

    @Test
    public void environmentReadsSysReadOnlyAndAppArmor() throws Exception {
        root = tmp.getRoot().toPath();
        Files.createDirectories(root.resolve("proc/self/attr"));
        Files.writeString(root.resolve("proc/self/mountinfo"),
                "22 1 0:21 / / rw,relatime - overlay overlay rw\n"
                        + "25 22 0:23 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n");
        HostEnvironment env = new HostEnvironment(root);
        assertTrue(env.sysReadOnly());
        assertFalse(env.apparmorUsable());   // no module
        Files.createDirectories(root.resolve("sys/module/apparmor/parameters"));
        Files.writeString(root.resolve("sys/module/apparmor/parameters/enabled"), "Y\n");
        Files.createDirectories(root.resolve("sys/kernel/security/apparmor"));
        Files.writeString(root.resolve("proc/self/attr/current"), "docker-default (enforce)\n");
        assertFalse(env.apparmorUsable());   // confined wrapper
        Files.writeString(root.resolve("proc/self/attr/current"), "unconfined\n");
        assertTrue(env.apparmorUsable());
        Files.writeString(root.resolve("proc/self/mountinfo"), "25 22 0:23 / /sys rw,nosuid - sysfs sysfs rw\n");
        assertFalse(env.sysReadOnly());
    }
}
