package org.lxcatastrophe.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.image.ImageService;
import org.lxcatastrophe.image.internal.ImageConfig;
import org.lxcatastrophe.image.internal.ImageServiceImpl;
import org.lxcatastrophe.rootfs.internal.RootfsServiceImpl;
import org.lxcatastrophe.shell.ContainerCommands.CommandFailed;

/**
 * {@code lxcat:images} and {@code lxcat:fetch} against the real image service (activated the way SCR does it) and a
 * file:// mirror made here with GNU tar and xz.
 */
public class ImageCommandsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private ImageService service;
    private Path cache;

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(String.join(" ", cmd) + ": " + o, 0, p.exitValue());
    }

    @Before
    public void mirror() throws Exception {
        Path server = tmp.newFolder("mirror").toPath();
        Path build = Files.createDirectories(server.resolve("images/alpine/3.20/amd64/default/20240601_13:00"));
        Path root = tmp.newFolder("root").toPath();
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "LXC_NAME\n");
        Files.writeString(root.resolve("etc/os-release"), "ID=alpine\n");
        run(root, "tar", "--numeric-owner", "--owner=0", "--group=0", "-cJf", build.resolve("rootfs.tar.xz").toString(), ".");
        Path meta = tmp.newFolder("meta").toPath();
        Files.writeString(meta.resolve("config-user"), "lxc.include = LXC_TEMPLATE_CONFIG/alpine.common.conf\n");
        Files.writeString(meta.resolve("templates"), "/etc/hostname\n");
        run(meta, "tar", "--numeric-owner", "-cJf", build.resolve("meta.tar.xz").toString(), ".");
        Files.createDirectories(server.resolve("meta/1.0"));
        Files.writeString(server.resolve("meta/1.0/index-system"), "alpine;3.20;amd64;default;20240601_13:00;/images/alpine/3.20/amd64/default/20240601_13:00/\n"
                + "debian;bookworm;amd64;default;20240601_05:24;/images/debian/bookworm/amd64/default/20240601_05:24/\n");
        cache = tmp.getRoot().toPath().resolve("cache");
        service = activate(Map.of("image_server", server.toUri().toString(), "image_cache", cache.toString(), "dist_arch", "amd64"));
    }

    /** Activates the component as SCR does: the reference injected into its field, configure(ImageConfig) called. */
    static ImageService activate(Map<String, Object> config) throws Exception {
        ImageServiceImpl s = new ImageServiceImpl();
        Field f = ImageServiceImpl.class.getDeclaredField("rootfsService");
        f.setAccessible(true);
        f.set(s, new RootfsServiceImpl());
        ImageConfig c = (ImageConfig) Proxy.newProxyInstance(ImageConfig.class.getClassLoader(), new Class<?>[] {ImageConfig.class},
                (proxy, m, args) -> config.containsKey(m.getName()) ? config.get(m.getName()) : m.getDefaultValue());
        Method m = ImageServiceImpl.class.getDeclaredMethod("configure", ImageConfig.class);
        m.setAccessible(true);
        m.invoke(s, c);
        return s;
    }

    private PrintStream o() {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private PrintStream e() {
        return new PrintStream(err, true, StandardCharsets.UTF_8);
    }

    private static ImageCommands.Request req(String dist, String release, String arch, String extract, String ids, boolean force, boolean flush) {
        return new ImageCommands.Request(dist, release, arch, "default", force, flush, extract, ids, "");
    }

    @Test
    public void imagesListsTheServerAndMarksTheCache() throws Exception {
        assertEquals(0, ImageCommands.images(service, "", o(), e()));
        assertEquals("  DIST    RELEASE   ARCH   VARIANT  BUILD           PROTOCOL\n"
                + "  alpine  3.20      amd64  default  20240601_13:00  lxc\n"
                + "  debian  bookworm  amd64  default  20240601_05:24  lxc\n", out.toString());
        out.reset();
        assertEquals(0, ImageCommands.fetch(service, req("alpine", "3.20", "", "", ImageCommands.DEFAULT_IDS, false, false), o(), e()));
        out.reset();
        assertEquals(0, ImageCommands.images(service, "alpine", o(), e()));
        assertEquals("  DIST    RELEASE  ARCH   VARIANT  BUILD           PROTOCOL\n"
                + "* alpine  3.20     amd64  default  20240601_13:00  lxc\n", out.toString());
        out.reset();
        assertEquals(0, ImageCommands.images(service, "fedora", o(), e()));
        assertEquals("The server offers no fedora images (lxcat:images without an argument lists them all).\n", out.toString());
    }

    @Test
    public void fetchCachesThenIsUpToDate() throws Exception {
        assertEquals(0, ImageCommands.fetch(service, req("alpine", "3.20", "", "", ImageCommands.DEFAULT_IDS, false, false), o(), e()));
        assertTrue(out.toString(), out.toString().startsWith("alpine/3.20/amd64/default build 20240601_13:00: downloaded, cached in "
                + cache.resolve("alpine/3.20/amd64/default")));
        out.reset();
        assertEquals(0, ImageCommands.fetch(service, req("alpine", "3.20", "amd64", "", ImageCommands.DEFAULT_IDS, false, false), o(), e()));
        assertTrue(out.toString(), out.toString().contains("already up to date"));
        out.reset();
        assertEquals(0, ImageCommands.fetch(service, req("alpine", "3.20", "", "", ImageCommands.DEFAULT_IDS, false, true), o(), e()));
        assertTrue(out.toString(), out.toString().contains(": downloaded, cached in "));
    }

    @Test
    public void fetchAndExtractWithTheShift() throws Exception {
        assumeTrue("chown to shifted ids needs root", "root".equals(System.getProperty("user.name")));
        Path dir = tmp.getRoot().toPath().resolve("containers/box1");
        assertEquals(err.toString(), 0, ImageCommands.fetch(service, req("alpine", "3.20", "", dir.toString(), "300000:65536", false, false), o(), e()));
        assertTrue(out.toString(), out.toString().contains("extracted ") && out.toString().contains("into " + dir.resolve("rootfs")
                + " (container ids 0-65535 as host ids 300000-365535, name box1)"));
        assertEquals("box1\n", Files.readString(dir.resolve("rootfs/etc/hostname")));
        assertEquals(300000, Files.getAttribute(dir.resolve("rootfs/etc/os-release"), "unix:uid"));
    }

    @Test
    public void badArgumentsAreOneLine() throws Exception {
        assertEquals(1, ImageCommands.fetch(service, req("alpine", "3.19", "", "", ImageCommands.DEFAULT_IDS, false, false), o(), e()));
        assertTrue(err.toString(), err.toString().startsWith("no image alpine/3.19/amd64/default on ") && err.toString().contains("for alpine it offers the releases 3.20"));
        err.reset();
        assertEquals(2, ImageCommands.fetch(service, req("alpine", "3.20", "", "/tmp/x", "lots", false, false), o(), e()));
        assertEquals("--ids 'lots' is not BASE:SIZE with BASE >= 0, SIZE > 0 (e.g. 100000:65536)\n", err.toString());
        err.reset();
        assertEquals(2, ImageCommands.fetch(service, req("alpine", "3.20", "", "", ImageCommands.DEFAULT_IDS, true, true), o(), e()));
        assertTrue(err.toString().startsWith("--force (use the cache only) and --flush (drop the cache) contradict each other"));
        err.reset();
        assertEquals(1, ImageCommands.fetch(service, req("alpine", "3.20", "", "", ImageCommands.DEFAULT_IDS, true, false), o(), e()));
        assertTrue(err.toString(), err.toString().startsWith("no cached build of alpine/3.20/amd64/default in "));
        err.reset();
        assertEquals(1, ImageCommands.images(null, "", o(), e()));
        assertEquals(ImageCommands.NO_SERVICE + "\n", err.toString());
    }

    /** The Gogo commands fail (lxcat-shell exits with 1) whenever the work behind them returns a non-zero status. */
    @Test
    public void theShellCommandsFailWhenTheirWorkFails() throws Exception {
        ImageCommands commands = new ImageCommands();
        try {
            commands.images(false);
            fail("lxcat:images without an image service must fail");
        } catch (CommandFailed e) {
            assertEquals(ImageCommands.NO_SERVICE, e.getMessage());
        }
        commands.images = service;
        try {
            commands.fetch("", "default", false, false, "", ImageCommands.DEFAULT_IDS, "", "alpine", "3.19");
            fail("lxcat:fetch of a release the server lacks must fail");
        } catch (CommandFailed e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("no image alpine/3.19/amd64/default on "));
        }
        try {
            commands.fetch("", "default", true, true, "", ImageCommands.DEFAULT_IDS, "", "alpine", "3.20");
            fail("lxcat:fetch --force --flush must fail");
        } catch (CommandFailed e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("--force (use the cache only) and --flush"));
        }
        PrintStream stdout = System.out;
        System.setOut(o());
        try {
            commands.fetch("", "default", false, false, "", ImageCommands.DEFAULT_IDS, "", "alpine", "3.20");
            commands.images(false, "alpine");
        } finally {
            System.setOut(stdout);
        }
        assertTrue(out.toString(), out.toString().contains(": downloaded, cached in ") && out.toString().contains("* alpine  3.20"));
    }

    /** {@code lxcat:images --help} prints its usage instead of looking for a distribution named "--help". */
    @Test
    public void imagesAnswersHelpAndRefusesTwoNames() throws Exception {
        ImageCommands commands = new ImageCommands();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            commands.images(true);
        } finally {
            System.setOut(saved);
        }
        assertEquals(ImageCommands.IMAGES_USAGE + "\n", buf.toString(StandardCharsets.UTF_8));
        try {
            commands.images(false, "debian", "alpine");
            fail("two distributions accepted");
        } catch (CommandFailed e) {
            assertEquals(ImageCommands.IMAGES_USAGE, e.getMessage());
        }
    }
}
