package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageRef;

/** Bad input: one clear message each, no half-written rootfs, the cache not poisoned. */
public class ImageBadInputTest {
    private final TemporaryFolder tmp = new TemporaryFolder();
    private final ServedImage images = new ServedImage(tmp);
    @Rule
    public final RuleChain rules = RuleChain.outerRule(tmp).around(images);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final ImageRef REF = new ImageRef("debian", "bookworm", "amd64", "default");
    private static final IdRange IDS = new IdRange(100000, 65536);
    private Path mount;

    @After
    public void tearDown() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private String fetchError(ImageServiceImpl s, ImageRef ref) {
        try {
            s.fetch(ref, FetchOptions.DEFAULT);
            throw new AssertionError("fetched " + ref);
        } catch (LxcatException e) {
            assertFalse(e.getMessage(), e.getMessage().contains("\n"));
            return e.getMessage();
        }
    }

    private void notCached() {
        assertEquals(Optional.empty(), new ImageCache(images.cache).read(REF));
    }

    @Test
    public void unknownImageListsTheClosestOffer() throws Exception {
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        assertEquals("no image debian/bookworm/amd64/cloud on " + images.http.uri() + "; for debian/bookworm it offers arch/variant amd64/default"
                + " (set DIST_NAME, DIST_FLAVOUR, DIST_ARCH, DIST_VARIANT accordingly)", fetchError(s, new ImageRef("debian", "bookworm", "amd64", "cloud")));
        assertTrue(fetchError(s, new ImageRef("debian", "bookworm", "arm64", "default")).contains("it offers arch/variant amd64/default"));
        assertTrue(fetchError(s, new ImageRef("debian", "trixie", "amd64", "default")).contains("for debian it offers the releases bookworm"));
        assertTrue(fetchError(s, new ImageRef("ubuntu", "noble", "amd64", "default")).contains("it offers the distributions debian"));
        assertTrue(fetchError(s, new ImageRef("debian", "../../etc", "amd64", "default")).contains("is not a valid release name"));
    }

    @Test
    public void unreachableServer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String m = fetchError(TestImages.service(URI.create("http://127.0.0.1:" + port + "/"), images.cache, "image.download.tries", 1, "image.protocol", "lxc"), REF);
        assertTrue(m, m.startsWith("cannot connect to 127.0.0.1:" + port + " for http://127.0.0.1:" + port + "/meta/1.0/index-system.7: check IMAGE_SERVER and the network"));
        notCached();
    }

    @Test
    public void http404And500() throws Exception {
        images.http.statusFor.put("/rootfs.tar.xz", 404);
        String m = fetchError(TestImages.service(images.http.uri(), images.cache, "image.download.tries", 2), REF);
        assertTrue(m, m.endsWith("/rootfs.tar.xz not found on the server (HTTP 404)"));
        assertEquals("a 404 is not retried", 1, images.http.count("/rootfs.tar.xz"));
        notCached();
        images.http.statusFor.put("/rootfs.tar.xz", 500);
        m = fetchError(TestImages.service(images.http.uri(), images.cache, "image.download.tries", 2), REF);
        assertTrue(m, m.startsWith("server answered HTTP 500 for " + images.http.uri() + "images/") && m.endsWith("(gave up after 2 tries)"));
        assertEquals(3, images.http.count("/rootfs.tar.xz"));
        notCached();
        // the server recovers: the fetch works and is trusted
        images.http.statusFor.clear();
        assertTrue(TestImages.service(images.http.uri(), images.cache).fetch(REF, FetchOptions.DEFAULT).downloaded());
    }

    @Test
    public void anUnknownArchitectureIsRefusedWhenConfigured() throws Exception {
        for (String bad : List.of("bogus", " x86-64 ")) {
            try {
                ImageServiceImpl.settings(Conf.of("dist.arch", bad), java.util.Map.of());
                fail(bad);
            } catch (org.lxcatastrophe.api.ConfigurationException e) {
                assertEquals("dist.arch", e.key());
                assertTrue(e.getMessage(), e.getMessage().startsWith("dist.arch (DIST_ARCH) '" + bad.trim() + "' is not a known architecture: use one of amd64, arm64, armel, armhf, i386, ppc64el, riscv64, s390x"));
            }
        }
        // aliases are the server's names
        assertEquals("arm64", ImageServiceImpl.settings(Conf.of("dist.arch", "aarch64"), java.util.Map.of()).image().arch());
        assertEquals("amd64", ImageServiceImpl.settings(Conf.of("dist.arch", " X86_64 "), java.util.Map.of()).image().arch());
    }

    @Test
    public void plainHttpOrOtherSchemesMustBeExplicit() throws Exception {
        for (String bad : List.of("ftp://example.org/", "images.example.org", "https:///x")) {
            try {
                ImageServiceImpl.settings(Conf.of("image.server", bad), java.util.Map.of());
                fail(bad);
            } catch (org.lxcatastrophe.api.ConfigurationException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("image.server '" + bad + "'"));
            }
        }
    }

    /** The server publishes a broken rootfs with matching checksums: the download verifies, the extraction must not. */
    private void publish(byte[] rootfs) throws Exception {
        Files.write(images.build.resolve("rootfs.tar.xz"), rootfs);
        Files.writeString(images.build.resolve("SHA256SUMS"), Verifier.sha256(images.build.resolve("rootfs.tar.xz")) + "  rootfs.tar.xz\n");
    }

    private void extractionFails(String expect) throws Exception {
        assumeTrue("chown to shifted ids needs root", ROOT);
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        CachedImage c = s.fetch(REF, FetchOptions.DEFAULT);
        Path dir = tmp.getRoot().toPath().resolve("containers/bad");
        try {
            s.extract(c, dir, "bad", IDS);
            fail("extracted a broken archive");
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(expect));
            assertTrue(e.getMessage(), e.getMessage().contains("fetch with IMAGE_CACHE_FLUSH=true"));
        }
        try (var l = Files.list(dir)) {
            assertEquals("no rootfs and no temporary directory left", List.of(), l.toList());
        }
    }

    @Test
    public void truncatedXz() throws Exception {
        byte[] whole = Files.readAllBytes(images.build.resolve("rootfs.tar.xz"));
        publish(java.util.Arrays.copyOf(whole, whole.length / 2));
        extractionFails("rootfs.tar.xz");
    }

    @Test
    public void corruptXz() throws Exception {
        byte[] whole = Files.readAllBytes(images.build.resolve("rootfs.tar.xz"));
        for (int i = whole.length / 3; i < whole.length / 3 + 16; i++) {
            whole[i] ^= 0x5a;
        }
        publish(whole);
        extractionFails("rootfs.tar.xz");
    }

    @Test
    public void notXzAtAll() throws Exception {
        publish("<html>captive portal</html>".getBytes(StandardCharsets.UTF_8));
        extractionFails("rootfs.tar.xz");
    }

    private Path tmpfs(String size) throws Exception {
        assumeTrue("mounting a tmpfs needs root", ROOT);
        Path m = tmp.newFolder("small").toPath();
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", m.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue("cannot mount a tmpfs here: " + out, p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
        mount = m;
        return m;
    }

    private void bigImage() throws Exception {
        byte[] noise = new byte[3 << 20];
        new java.util.Random(3).nextBytes(noise);
        org.apache.commons.compress.archivers.tar.TarArchiveEntry e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("usr/big");
        e.setMode(0644);
        TestImages.build(images.server, "default", TestImages.BUILD, TestImages.rootfs().add(e, noise), TestImages.meta());
    }

    @Test
    public void fullDiskWhileExtracting() throws Exception {
        Path small = tmpfs("1m");
        bigImage();
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        CachedImage c = s.fetch(REF, FetchOptions.DEFAULT);
        try {
            s.extract(c, small.resolve("c1"), "c1", IDS);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("No space left on device") && e.getMessage().endsWith("free some disk space"));
        }
        try (var l = Files.list(small.resolve("c1"))) {
            assertEquals(List.of(), l.toList());
        }
        // the cache is intact: the same build extracts elsewhere
        assertTrue(Files.isRegularFile(s.extract(c, tmp.getRoot().toPath().resolve("c2"), "c2", IDS).rootfs().resolve("usr/big")));
    }

    @Test
    public void fullDiskWhileDownloading() throws Exception {
        Path small = tmpfs("1m");
        bigImage();
        String m = fetchError(TestImages.service(images.http.uri(), small.resolve("cache"), "image.download.tries", 1), REF);
        assertTrue(m, m.contains("No space left on device"));
        assertEquals(Optional.empty(), new ImageCache(small.resolve("cache")).read(REF));
    }

    @Test
    public void aTransferCutWithoutRangeSupportIsRestarted() throws Exception {
        // the cut happens on a file whose size the index does not give; the retry resumes (the test server supports
        // ranges), and a stale .part larger than the file is restarted from zero
        images.http.cutOnceAfter.put("/rootfs.tar.xz", 100L);
        CachedImage c = TestImages.service(images.http.uri(), images.cache).fetch(REF, FetchOptions.DEFAULT);
        assertEquals(Verifier.sha256(images.build.resolve("rootfs.tar.xz")), Verifier.sha256(c.rootfs()));
        assertEquals(2, images.http.count("/rootfs.tar.xz"));
        assertEquals(1, images.http.ranged.get());
    }

    @Test
    public void aStalePartialLongerThanTheFileIsRestarted() throws Exception {
        Path staging = Files.createDirectories(images.cache.resolve("debian/bookworm/amd64/.default.partial"));
        Files.writeString(staging.resolve(".for_build"), TestImages.BUILD + "\n");
        try (RandomAccessFile f = new RandomAccessFile(staging.resolve("rootfs.tar.xz.part").toFile(), "rw")) {
            f.setLength(Files.size(images.build.resolve("rootfs.tar.xz")) + 1000);
        }
        CachedImage c = TestImages.service(images.http.uri(), images.cache).fetch(REF, FetchOptions.DEFAULT);
        assertEquals(Verifier.sha256(images.build.resolve("rootfs.tar.xz")), Verifier.sha256(c.rootfs()));
    }
}
