package org.lxcatastrophe.rootfs.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;

public class SafeRootfsWriterTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path root;
    private Path outside;
    private RootfsWriter writer;
    private final IdRange ids = new IdRange(100000, 65536);

    @Before
    public void setUp() throws IOException {
        Path base = tmp.getRoot().toPath().toRealPath();
        root = Files.createDirectory(base.resolve("rootfs"));
        outside = Files.createDirectory(base.resolve("outside"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("run/systemd/resolve"));
        writer = new RootfsServiceImpl().writer(root, ids);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    public void writesAtomicallyWithModeAndMappedOwner() throws IOException {
        Assume.assumeTrue("ownership needs root", isRoot());
        writer.write("/etc/hostname", "c1\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        writer.write("/home/u/.ssh/authorized_keys", "k\n".getBytes(StandardCharsets.UTF_8), 0600, 1000, 1000);
        Path f = root.resolve("etc/hostname");
        assertEquals("c1\n", text(f));
        assertEquals(100000, Files.getAttribute(f, "unix:uid"));
        assertEquals(0644, (int) Files.getAttribute(f, "unix:mode") & 07777);
        Path k = root.resolve("home/u/.ssh/authorized_keys");
        assertEquals(101000, Files.getAttribute(k, "unix:uid"));
        assertEquals(101000, Files.getAttribute(k, "unix:gid"));
        assertEquals(0600, (int) Files.getAttribute(k, "unix:mode") & 07777);
        // created parents belong to container root
        assertEquals(100000, Files.getAttribute(root.resolve("home/u"), "unix:uid"));
        try (var s = Files.list(root.resolve("etc"))) {
            assertEquals("no temp files left", List.of("hostname"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    public void keepsSetuidSetgidStickyBits() throws IOException {
        Assume.assumeTrue("ownership needs root", isRoot());
        writer.write("/usr/bin/x", new byte[] {1}, 04755, 0, 0);
        writer.mkdirs("/tmp", 01777, 0, 0);
        writer.write("/usr/bin/y", new byte[] {1}, 02755, 0, 42);
        assertEquals(04755, (int) Files.getAttribute(root.resolve("usr/bin/x"), "unix:mode") & 07777);
        assertEquals(01777, (int) Files.getAttribute(root.resolve("tmp"), "unix:mode") & 07777);
        assertEquals(02755, (int) Files.getAttribute(root.resolve("usr/bin/y"), "unix:mode") & 07777);
        assertEquals(100042, Files.getAttribute(root.resolve("usr/bin/y"), "unix:gid"));
    }

    @Test
    public void absoluteSymlinkedParentStaysInsideRootfs() throws IOException {
        // /etc/ssh -> /outside-looking-path resolves relative to the rootfs, never to the host's /
        Files.createSymbolicLink(root.resolve("etc/ssh"), outside);
        writer.write("/etc/ssh/sshd_config", "x".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        assertFalse("nothing written outside", Files.exists(outside.resolve("sshd_config")));
        assertEquals("x", text(root.resolve(root.relativize(root).toString()).resolve(outside.toString().substring(1)).resolve("sshd_config")));
    }

    @Test
    public void dotDotSymlinkedParentStaysInsideRootfs() throws IOException {
        Files.createSymbolicLink(root.resolve("etc/evil"), Path.of("../../../../../../../..").resolve(outside.toString().substring(1)));
        writer.write("/etc/evil/f", "x".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        assertFalse(Files.exists(outside.resolve("f")));
        assertTrue(Files.exists(root.resolve(outside.toString().substring(1)).resolve("f")));
        writer.write("/../../../f2", "y".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        assertEquals("y", text(root.resolve("f2")));
        assertFalse(Files.exists(outside.getParent().resolve("f2")));
    }

    @Test
    public void writeReplacesFinalSymlinkInsteadOfWritingThroughIt() throws IOException {
        Path victim = Files.writeString(outside.resolve("victim"), "keep");
        Files.createSymbolicLink(root.resolve("etc/resolv.conf"), victim);
        writer.write("/etc/resolv.conf", "nameserver 10.0.0.1\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        assertEquals("keep", text(victim));
        assertFalse(Files.isSymbolicLink(root.resolve("etc/resolv.conf")));
        assertEquals("nameserver 10.0.0.1\n", text(root.resolve("etc/resolv.conf")));
    }

    @Test
    public void readFollowsRelativeSymlinkInsideRootfs() throws IOException {
        Files.writeString(root.resolve("run/systemd/resolve/stub-resolv.conf"), "nameserver 127.0.0.53\n");
        Files.createSymbolicLink(root.resolve("etc/resolv.conf"), Path.of("../run/systemd/resolve/stub-resolv.conf"));
        RootfsView view = new RootfsServiceImpl().view(root);
        assertEquals(Optional.of("nameserver 127.0.0.53\n"), view.read("/etc/resolv.conf"));
        assertTrue(view.exists("etc/resolv.conf"));
        assertFalse(view.isDirectory("/etc/resolv.conf"));
        assertTrue(view.isDirectory("/run/systemd"));
        assertEquals(List.of("resolv.conf"), view.list("/etc"));
        assertEquals(List.of(), view.list("/nope"));
        assertEquals(Optional.empty(), view.read("/nope/x"));
    }

    @Test
    public void readOfAbsoluteSymlinkToHostFileReadsTheRootfsCopy() throws IOException {
        Path secret = Files.writeString(outside.resolve("secret"), "host secret");
        Files.createSymbolicLink(root.resolve("etc/leak"), secret);
        RootfsView view = new RootfsServiceImpl().view(root);
        assertEquals(Optional.empty(), view.read("/etc/leak"));
        assertFalse(view.exists("/etc/leak"));
    }

    @Test
    public void symlinkLoopFailsClearly() throws IOException {
        Files.createSymbolicLink(root.resolve("etc/a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("etc/b"), Path.of("a"));
        try {
            writer.write("/etc/a/x", new byte[0], 0644, 0, 0);
            fail("loop accepted");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("symbolic links"));
        }
    }

    @Test
    public void symlinkAndDeleteNeverTouchOutside() throws IOException {
        Path victim = Files.writeString(outside.resolve("victim"), "keep");
        Files.createSymbolicLink(root.resolve("etc/link"), victim);
        writer.delete("/etc/link");
        assertTrue(Files.exists(victim));
        assertFalse(Files.exists(root.resolve("etc/link"), LinkOption.NOFOLLOW_LINKS));
        writer.symlink("/etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf");
        assertEquals("../run/systemd/resolve/stub-resolv.conf", Files.readSymbolicLink(root.resolve("etc/resolv.conf")).toString());
        writer.symlink("/etc/resolv.conf", "/run/x");
        assertEquals("/run/x", Files.readSymbolicLink(root.resolve("etc/resolv.conf")).toString());
        writer.delete("/etc/missing");
        try {
            writer.delete("/etc");
            fail("deleted a directory");
        } catch (IOException expected) {
            assertTrue(Files.isDirectory(root.resolve("etc")));
        }
    }

    @Test
    public void ownerOutsideRangeIsRefused() {
        try {
            writer.write("/etc/x", new byte[0], 0644, 70000, 0);
            fail("accepted uid outside the range");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("outside"));
            assertFalse(Files.exists(root.resolve("etc/x")));
        }
    }

    @Test
    public void fileAsParentFailsClearly() throws IOException {
        Files.writeString(root.resolve("etc/file"), "x");
        try {
            writer.write("/etc/file/sub", new byte[0], 0644, 0, 0);
            fail();
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("not a directory"));
        }
    }

    @Test
    public void missingRootfsFailsClearly() {
        try {
            new RootfsServiceImpl().view(root.resolve("nope")).read("/etc/os-release");
            fail();
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("rootfs directory does not exist"));
        }
    }
}
