package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;

/** The LXC images index: parsing, first match, index-system.7 before the plain name, index-user, closest-match errors. */
public class LxcIndexSourceTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Downloader downloader;
    private Path server;

    @Before
    public void setUp() throws Exception {
        downloader = new Downloader(Duration.ofSeconds(5), 1, -1);
        server = tmp.newFolder("server").toPath();
        Files.createDirectories(server.resolve("meta/1.0"));
    }

    @After
    public void tearDown() {
        downloader.close();
    }

    private LxcIndexSource source(String index) {
        return new LxcIndexSource(server.toUri(), index, downloader);
    }

    private void index(String name, String... lines) throws Exception {
        Files.writeString(server.resolve("meta/1.0/" + name), String.join("\n", lines) + "\n");
    }

    @Test
    public void firstMatchingLineWinsAndEmptyPathsAreSkipped() throws Exception {
        index("index-system",
                "debian;bookworm;amd64;default;20240101_01:00;",
                "debian;bookworm;amd64;default;20240102_05:24;/images/debian/bookworm/amd64/default/20240102_05:24/",
                "debian;bookworm;amd64;default;20240103_05:24;/images/debian/bookworm/amd64/default/20240103_05:24/",
                "",
                "garbage line",
                "debian;bookworm;arm64;default;20240102_05:24;/images/debian/bookworm/arm64/default/20240102_05:24/");
        ResolvedBuild b = source("system").resolve(new ImageRef("debian", "bookworm", "amd64", "default"));
        assertEquals("20240102_05:24", b.build().buildId());
        assertEquals(server.toUri().resolve("images/debian/bookworm/amd64/default/20240102_05:24/rootfs.tar.xz"), b.rootfs().uri());
        assertEquals(server.toUri().resolve("images/debian/bookworm/amd64/default/20240102_05:24/meta.tar.xz"), b.meta().uri());
        assertEquals("lxc", b.build().protocol());
        assertEquals(-1, b.rootfs().size());
        assertEquals(null, b.rootfs().sha256());
    }

    @Test
    public void pathWithoutSlashesAndDotDotPaths() {
        List<ImageBuild> all = LxcIndexSource.parse(
                "alpine;3.20;amd64;default;b1;images/alpine/3.20/amd64/default/b1\n"
                        + "alpine;3.20;amd64;cloud;b1;/images/../../etc/\n", URI.create("https://example.org/mirror/"));
        assertEquals(1, all.size());
        assertEquals(URI.create("https://example.org/mirror/images/alpine/3.20/amd64/default/b1/"), all.get(0).location());
    }

    @Test
    public void index7IsPreferredOverThePlainName() throws Exception {
        index("index-system.7", "debian;bookworm;amd64;default;seven;/images/seven/");
        index("index-system", "debian;bookworm;amd64;default;plain;/images/plain/");
        assertEquals("seven", source("system").resolve(new ImageRef("debian", "bookworm", "amd64", "default")).build().buildId());
    }

    @Test
    public void plainNameIsTheFallback() throws Exception {
        index("index-system", "debian;bookworm;amd64;default;plain;/images/plain/");
        LxcIndexSource s = source("system");
        assertTrue(s.available());
        assertEquals("plain", s.resolve(new ImageRef("debian", "bookworm", "amd64", "default")).build().buildId());
    }

    @Test
    public void indexUserWhenAsked() throws Exception {
        index("index-system", "debian;bookworm;amd64;default;sys;/images/sys/");
        index("index-user", "debian;bookworm;amd64;default;user;/images/user/");
        assertEquals("user", source("user").resolve(new ImageRef("debian", "bookworm", "amd64", "default")).build().buildId());
        assertEquals("sys", source("system").resolve(new ImageRef("debian", "bookworm", "amd64", "default")).build().buildId());
    }

    @Test
    public void noIndexAtAll() throws Exception {
        LxcIndexSource s = source("system");
        assertFalse(s.available());
        try {
            s.list();
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("has no LXC images index (meta/1.0/index-system)"));
        }
    }

    @Test
    public void listShowsTheNewestBuildPerImage() throws Exception {
        index("index-system",
                "debian;bookworm;amd64;default;20240101;/a/",
                "debian;bookworm;amd64;default;20240105;/b/",
                "ubuntu;noble;amd64;default;20240102;/c/");
        List<ImageBuild> l = source("system").list();
        assertEquals(2, l.size());
        assertEquals("debian/bookworm/amd64/default", l.get(0).ref().toString());
        assertEquals("20240105", l.get(0).buildId());
        assertEquals("ubuntu/noble/amd64/default", l.get(1).ref().toString());
    }

    @Test
    public void unknownImagesNameTheClosestMatch() throws Exception {
        index("index-system",
                "debian;bookworm;amd64;default;b;/a/",
                "debian;bookworm;arm64;cloud;b;/a/",
                "debian;trixie;amd64;default;b;/a/",
                "alpine;3.20;amd64;default;b;/a/");
        LxcIndexSource s = source("system");
        assertEquals("no image debian/bookworm/riscv64/default on " + server.toUri() + "; for debian/bookworm it offers arch/variant"
                + " amd64/default, arm64/cloud (set DIST_NAME, DIST_FLAVOUR, DIST_ARCH, DIST_VARIANT accordingly)",
                message(s, new ImageRef("debian", "bookworm", "riscv64", "default")));
        assertTrue(message(s, new ImageRef("debian", "sid", "amd64", "default")).contains("for debian it offers the releases bookworm, trixie"));
        assertTrue(message(s, new ImageRef("fedora", "40", "amd64", "default")).contains("it offers the distributions alpine, debian"));
        assertTrue(message(s, new ImageRef("debian", "bookworm", "amd64", "nope")).contains("amd64/default, arm64/cloud"));
    }

    private static String message(LxcIndexSource s, ImageRef ref) {
        try {
            s.resolve(ref);
            throw new AssertionError("resolved " + ref);
        } catch (LxcatException e) {
            return e.getMessage();
        }
    }

    @Test
    public void archAliases() {
        assertEquals("amd64", Arch.normalise("x86_64"));
        assertEquals("amd64", Arch.normalise("AMD64"));
        assertEquals("arm64", Arch.normalise("aarch64"));
        assertEquals("armhf", Arch.normalise("armv7l"));
        assertEquals("i386", Arch.normalise("i686"));
        assertEquals("ppc64el", Arch.normalise("ppc64le"));
        assertEquals("s390x", Arch.normalise("s390x"));
        assertEquals("riscv64", Arch.normalise("riscv64"));
        assertEquals("mips64el", Arch.normalise(" mips64el "));
        assertEquals("x86_64", Arch.kernel("amd64"));
        assertEquals("aarch64", Arch.kernel("arm64"));
        assertEquals("ppc64le", Arch.kernel("ppc64el"));
        assertEquals(Arch.normalise(System.getProperty("os.arch")), Arch.host());
        // an index naming the kernel's architecture is normalised too
        assertEquals("arm64", LxcIndexSource.parse("debian;bookworm;aarch64;default;b;/a/", URI.create("https://x/")).get(0).ref().arch());
    }
}
