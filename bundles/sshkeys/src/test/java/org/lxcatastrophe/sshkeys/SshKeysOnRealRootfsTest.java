package org.lxcatastrophe.sshkeys;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.lxcatastrophe.rootfs.internal.RootfsServiceImpl;

/** Deployment through the real rootfs writer: host ownership is the user's mapped ids, symlinks stay inside. */
public class SshKeysOnRealRootfsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private static final IdRange IDS = new IdRange(200000, 65536);
    private Path root;
    private RootfsWriter writer;

    @Before
    public void setUp() throws Exception {
        assumeTrue("needs root to chown into the id range", "root".equals(System.getProperty("user.name")));
        root = tmp.newFolder("rootfs").toPath();
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/bash\ndebian:x:1000:1000::/home/debian:/bin/bash\n");
        writer = new RootfsServiceImpl().writer(root, IDS);
    }

    private static SshKeyDeployer deployer(Map<String, Object> values) {
        SshKeyDeployer d = new SshKeyDeployer();
        d.configure(SshKeyDeployerTest.config(values));
        return d;
    }

    @Test
    public void filesAreOwnedByTheMappedUserWithStrictModes() throws Exception {
        String key = Keys.publicLine(Keys.generate(tmp.getRoot().toPath(), "ed25519", "k"));
        SshKeyDeployer d = deployer(Map.of("ssh_user", "debian", "ssh_authorized_keys", key));
        assertEquals(1, d.deploy(d.configuredKeys(), writer));
        Path ssh = root.resolve("home/debian/.ssh");
        Path keys = ssh.resolve("authorized_keys");
        assertEquals(201000, Files.getAttribute(ssh, "unix:uid"));
        assertEquals(201000, Files.getAttribute(keys, "unix:gid"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ssh)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)));
        assertEquals(key + "\n", Files.readString(keys));
    }

    @Test
    public void aSymlinkedSshDirectoryNeverLeadsOutOfTheRootfs() throws Exception {
        Path outside = tmp.newFolder("outside").toPath();
        Files.createDirectories(root.resolve("root"));
        Files.createSymbolicLink(root.resolve("root/.ssh"), outside);
        String key = Keys.publicLine(Keys.generate(tmp.getRoot().toPath(), "ed25519", "k"));
        SshKeyDeployer d = deployer(Map.of("ssh_authorized_keys", key));
        try {
            d.deploy(d.configuredKeys(), writer);
        } catch (org.lxcatastrophe.api.LxcatException e) {
            // refusing is fine; writing outside is not
        }
        try (var s = Files.list(outside)) {
            assertEquals("something was written outside the rootfs", 0, s.count());
        }
        assertFalse(Files.exists(outside.resolve("authorized_keys")));
        assertTrue(Files.isSymbolicLink(root.resolve("root/.ssh")) || Files.isDirectory(root.resolve("root/.ssh")));
    }
}
