package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.ExtractedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageRef;

/**
 * The service against a synthetic images server over real HTTP on 127.0.0.1: cache layout, build_id, expiry,
 * "already up to date" without a download, force, flush, a new build, leftovers of a crash, SHA256SUMS and GPG,
 * meta.tar.xz (config-user, templates, excludes-user, create-message).
 */
public class ImageServiceTest {
    private final TemporaryFolder tmp = new TemporaryFolder();
    private final ServedImage images = new ServedImage(tmp);
    @Rule
    public final RuleChain rules = RuleChain.outerRule(tmp).around(images);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final ImageRef REF = new ImageRef("debian", "bookworm", "amd64", "default");

    @Test
    public void cacheLayoutAndAlreadyUpToDate() throws Exception {
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        CachedImage c = s.fetch(REF, FetchOptions.DEFAULT);
        assertTrue(c.downloaded());
        Path entry = images.cache.resolve("debian/bookworm/amd64/default");
        assertEquals(entry, c.directory());
        assertEquals(entry.resolve("rootfs.tar.xz"), c.rootfs());
        assertEquals(TestImages.BUILD + "\n", TestImages.read(entry.resolve("build_id")));
        assertEquals("lxc\n", TestImages.read(entry.resolve("protocol")));
        assertEquals(Instant.ofEpochSecond(4102444800L), c.expiry());
        assertTrue(Files.isRegularFile(entry.resolve("meta.tar.xz")));
        assertEquals(TestImages.read(images.server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD + "/rootfs.tar.xz")),
                TestImages.read(entry.resolve("rootfs.tar.xz")));
        // nothing but the entry and its lock: no staging leftovers
        try (var l = Files.list(entry.getParent())) {
            assertEquals(List.of(".default.lock", "default"), l.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(images.http.lastUserAgent, images.http.lastUserAgent.startsWith("lxcatastrophe/"));
        assertEquals(1, images.http.count("/rootfs.tar.xz"));

        try (TestImages.Log log = new TestImages.Log()) {
            CachedImage again = s.fetch(REF, FetchOptions.DEFAULT);
            assertFalse(again.downloaded());
            assertEquals(TestImages.BUILD, again.buildId());
            assertTrue(log.text(), log.text().contains("debian/bookworm/amd64/default is already up to date (build " + TestImages.BUILD + ")"));
        }
        assertEquals("no second download", 1, images.http.count("/rootfs.tar.xz"));
        assertEquals(1, images.http.count("/meta.tar.xz"));
        assertEquals(List.of(REF), s.cached().stream().map(CachedImage::ref).toList());
    }

    @Test
    public void aNewBuildOnTheServerIsDownloaded() throws Exception {
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        s.fetch(REF, FetchOptions.DEFAULT);
        TestImages.build(images.server, "default", "20240201_05:24", TestImages.rootfs().file("etc/new", "new"), TestImages.meta());
        CachedImage c = s.fetch(REF, FetchOptions.DEFAULT);
        assertTrue(c.downloaded());
        assertEquals("20240201_05:24", c.buildId());
        assertEquals(2, images.http.count("/rootfs.tar.xz"));
        assertFalse(Files.exists(images.cache.resolve("debian/bookworm/amd64/.default.old")));
    }

    @Test
    public void forceUsesTheCacheWithoutTheServer() throws Exception {
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        try {
            s.fetch(REF, new FetchOptions(true, false));
            fail();
        } catch (LxcatException e) {
            assertEquals("no cached build of debian/bookworm/amd64/default in " + images.cache + ": unset IMAGE_CACHE_FORCE to download it", e.getMessage());
        }
        s.fetch(REF, FetchOptions.DEFAULT);
        int before = images.http.requests.size();
        images.http.close();
        CachedImage c = s.fetch(REF, new FetchOptions(true, false));
        assertFalse(c.downloaded());
        assertEquals(before, images.http.requests.size());
        // the setting does the same
        assertFalse(TestImages.service(images.http.uri(), images.cache, "image.cache.force", true).fetch(REF, FetchOptions.DEFAULT).downloaded());
    }

    @Test
    public void anUnreachableServerFallsBackToAnUnexpiredCache() throws Exception {
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache, "image.download.tries", 1);
        s.fetch(REF, FetchOptions.DEFAULT);
        images.http.close();
        try (TestImages.Log log = new TestImages.Log()) {
            assertFalse(s.fetch(REF, FetchOptions.DEFAULT).downloaded());
            assertTrue(log.text(), log.text().contains("using the cached build " + TestImages.BUILD));
        }
    }

    @Test
    public void expiredCacheIsNotUsedWhenTheServerIsGone() throws Exception {
        Map<String, String> meta = TestImages.meta();
        meta.put("expiry", "1000\n");
        Path other = tmp.newFolder("expired").toPath();
        TestImages.build(other, "default", TestImages.BUILD, TestImages.rootfs(), meta);
        try (TestServer h = new TestServer(other)) {
            ImageServiceImpl s = TestImages.service(h.uri(), images.cache, "image.download.tries", 1);
            assertEquals(Instant.ofEpochSecond(1000), s.fetch(REF, FetchOptions.DEFAULT).expiry());
            assertEquals(Instant.ofEpochSecond(1000), new ImageCache(images.cache).read(REF).get().expiry());
            h.close();
            try {
                s.fetch(REF, FetchOptions.DEFAULT);
                fail("an expired build was used although the server cannot be asked");
            } catch (LxcatException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("cannot connect to 127.0.0.1:"));
            }
        }
    }

    @Test
    public void flushDownloadsAgain() throws Exception {
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        s.fetch(REF, FetchOptions.DEFAULT);
        assertTrue(s.fetch(REF, new FetchOptions(false, true)).downloaded());
        assertEquals(2, images.http.count("/rootfs.tar.xz"));
        assertTrue(TestImages.service(images.http.uri(), images.cache, "image.cache.flush", true).fetch(REF, FetchOptions.DEFAULT).downloaded());
        assertEquals(3, images.http.count("/rootfs.tar.xz"));
    }

    @Test
    public void leftoversOfACrashAreNeverTrusted() throws Exception {
        Path parent = Files.createDirectories(images.cache.resolve("debian/bookworm/amd64"));
        // a crash after the download but before the commit: staging with files but no build_id is not an entry
        Path staging = Files.createDirectories(parent.resolve(".default.partial"));
        Files.writeString(staging.resolve(".for_build"), "19990101_00:00\n");
        Files.writeString(staging.resolve("rootfs.tar.xz"), "half");
        Files.writeString(staging.resolve("rootfs.tar.xz.part"), "half");
        // an entry directory that lost its build_id (a flush interrupted) and temp files of an interrupted write
        Path entry = Files.createDirectories(parent.resolve("default"));
        Files.writeString(entry.resolve("rootfs.tar.xz"), "corrupt");
        Files.writeString(entry.resolve("meta.tar.xz"), "corrupt");
        Files.writeString(entry.resolve(".build_id.tmp"), TestImages.BUILD + "\n");
        ImageCache c = new ImageCache(images.cache);
        assertEquals(Optional.empty(), c.read(REF));
        assertEquals(List.of(), c.all());
        CachedImage got = TestImages.service(images.http.uri(), images.cache).fetch(REF, FetchOptions.DEFAULT);
        assertTrue(got.downloaded());
        assertEquals(Verifier.sha256(images.server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD + "/rootfs.tar.xz")),
                Verifier.sha256(got.rootfs()));
        assertFalse(Files.exists(staging));
    }

    @Test
    public void sha256sumsMismatchIsRefusedAndNothingIsCached() throws Exception {
        Path dir = images.server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD);
        Files.writeString(dir.resolve("SHA256SUMS"), "0".repeat(64) + "  rootfs.tar.xz\n");
        try {
            TestImages.service(images.http.uri(), images.cache).fetch(REF, FetchOptions.DEFAULT);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("sha256 mismatch for rootfs.tar.xz: expected " + "0".repeat(64) + ", got "));
            assertTrue(e.getMessage(), e.getMessage().contains("the file was discarded"));
        }
        assertEquals(Optional.empty(), new ImageCache(images.cache).read(REF));
        assertFalse(Files.exists(images.cache.resolve("debian/bookworm/amd64/.default.partial/rootfs.tar.xz")));
        // the server is fixed: the next fetch works
        TestImages.build(images.server);
        assertTrue(TestImages.service(images.http.uri(), images.cache).fetch(REF, FetchOptions.DEFAULT).downloaded());
    }

    @Test
    public void sha256sumsParsing() {
        Map<String, String> m = Verifier.parseSums(("ab".repeat(32) + "  rootfs.tar.xz\n" + "CD".repeat(32) + " *./meta.tar.xz\nnot a line\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(Map.of("rootfs.tar.xz", "ab".repeat(32), "meta.tar.xz", "cd".repeat(32)), m);
    }

    @Test
    public void gpgSignaturesAreCheckedAgainstTheKeyring() throws Exception {
        Keys keys = new Keys("images <images@example.org>");
        Path dir = images.server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD);
        for (String f : List.of("rootfs.tar.xz", "meta.tar.xz", "SHA256SUMS")) {
            keys.signFile(dir.resolve(f));
        }
        Path ring = keys.writeKeyring(tmp.getRoot().toPath().resolve("ring.asc"));
        try (TestImages.Log log = new TestImages.Log()) {
            CachedImage c = TestImages.service(images.http.uri(), images.cache, "image.gpg", "required", "image.gpg.keyring", ring.toString()).fetch(REF, FetchOptions.DEFAULT);
            assertTrue(c.downloaded());
            assertTrue(log.text(), log.text().contains("GPG: 2 signature(s) of debian/bookworm/amd64/default are good"));
        }
        assertEquals(1, images.http.count("/SHA256SUMS.asc"));
    }

    @Test
    public void aBadSignatureDiscardsTheFiles() throws Exception {
        Keys keys = new Keys("images <images@example.org>");
        Path dir = images.server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD);
        keys.signFile(dir.resolve("meta.tar.xz"));
        // the signature of another content
        Files.write(dir.resolve("rootfs.tar.xz.asc"), keys.sign("something else".getBytes()));
        Path ring = keys.writeKeyring(tmp.getRoot().toPath().resolve("ring.asc"));
        try {
            TestImages.service(images.http.uri(), images.cache, "image.gpg", "required", "image.gpg.keyring", ring.toString()).fetch(REF, FetchOptions.DEFAULT);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("BAD GPG signature on rootfs.tar.xz (key "));
            assertTrue(e.getMessage(), e.getMessage().contains("the file was discarded"));
        }
        assertEquals(Optional.empty(), new ImageCache(images.cache).read(REF));
        assertFalse(Files.exists(images.cache.resolve("debian/bookworm/amd64/.default.partial/rootfs.tar.xz")));
    }

    @Test
    public void aSignatureByAKeyOutsideTheRingIsRefused() throws Exception {
        Keys signer = new Keys("other <other@example.org>");
        Keys trusted = new Keys("images <images@example.org>");
        Path dir = images.server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD);
        signer.signFile(dir.resolve("rootfs.tar.xz"));
        signer.signFile(dir.resolve("meta.tar.xz"));
        Path ring = trusted.writeKeyring(tmp.getRoot().toPath().resolve("ring.asc"));
        try {
            TestImages.service(images.http.uri(), images.cache, "image.gpg", "auto", "image.gpg.keyring", ring.toString()).fetch(REF, FetchOptions.DEFAULT);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is signed by key ") && e.getMessage().contains("which is not in the keyring"));
        }
        assertEquals(Optional.empty(), new ImageCache(images.cache).read(REF));
    }

    /**
     * Signatures and the keyring are looked at before the download: a build image.gpg=required cannot take, and a
     * keyring that holds no key, fail before rootfs.tar.xz is fetched; with a keyring and a server that signs
     * nothing, image.gpg=auto takes the build, says so in the log and never asks for the OpenPGP verifier.
     */
    @Test
    public void signaturesAndTheKeyringAreLookedAtBeforeTheDownload() throws Exception {
        Keys keys = new Keys("images <images@example.org>");
        Path ring = keys.writeKeyring(tmp.getRoot().toPath().resolve("ring.asc"));
        try {
            TestImages.service(images.http.uri(), images.cache, "image.gpg", "required", "image.gpg.keyring", ring.toString()).fetch(REF, FetchOptions.DEFAULT);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("the server has no GPG signature ") && e.getMessage().contains("image.gpg=required"));
        }
        assertEquals(0, images.http.count("/rootfs.tar.xz"));

        Path dir = images.server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD);
        keys.signFile(dir.resolve("rootfs.tar.xz"));
        keys.signFile(dir.resolve("meta.tar.xz"));
        Path notAKey = Files.writeString(tmp.getRoot().toPath().resolve("not-a-key.asc"), "not a key\n");
        try {
            TestImages.service(images.http.uri(), images.cache, "image.gpg", "auto", "image.gpg.keyring", notAKey.toString()).fetch(REF, FetchOptions.DEFAULT);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(notAKey.toString()) && e.getMessage().contains("(image.gpg.keyring)"));
        }
        assertEquals(0, images.http.count("/rootfs.tar.xz"));

        Files.delete(dir.resolve("rootfs.tar.xz.asc"));
        Files.delete(dir.resolve("meta.tar.xz.asc"));
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        try (TestImages.Log log = new TestImages.Log()) {
            CachedImage c = TestImages.service(() -> {
                asked.incrementAndGet();
                throw new LxcatException("the verifier was asked for");
            }, images.http.uri(), images.cache, "image.gpg", "auto", "image.gpg.keyring", ring.toString()).fetch(REF, FetchOptions.DEFAULT);
            assertTrue(c.downloaded());
            assertEquals(0, asked.get());
            assertTrue(log.text(), log.text().contains("debian/bookworm/amd64/default build " + TestImages.BUILD + " has no GPG signature on "
                    + images.http.uri() + "images/debian/bookworm/amd64/default/" + TestImages.BUILD + "/: image.gpg=auto takes it unsigned"));
        }
    }

    @Test
    public void extractionAppliesTemplatesConfigUserAndExcludes() throws Exception {
        assumeTrue("chown to shifted ids needs root", ROOT);
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        CachedImage c = s.fetch(REF, FetchOptions.DEFAULT);
        Path containerDir = tmp.getRoot().toPath().resolve("containers/web1");
        ExtractedImage x;
        try (TestImages.Log log = new TestImages.Log()) {
            x = s.extract(c, containerDir, "web1", new IdRange(100000, 65536));
            assertTrue(log.text(), log.text().contains("INFO You just created a synthetic container."));
        }
        Path rootfs = containerDir.resolve("rootfs");
        assertEquals(rootfs, x.rootfs());
        assertEquals("web1\n", TestImages.read(rootfs.resolve("etc/hostname")));
        assertEquals("127.0.0.1\tlocalhost\n127.0.1.1\tweb1\n", TestImages.read(rootfs.resolve("etc/hosts")));
        assertEquals(100000, Files.getAttribute(rootfs.resolve("etc/hostname"), "unix:uid"));
        assertEquals(0644, (int) Files.getAttribute(rootfs.resolve("etc/hostname"), "unix:mode") & 07777);
        // a listed template that the rootfs does not have is not created
        assertFalse(Files.exists(rootfs.resolve("etc/missing-file")));
        assertFalse(Files.exists(rootfs.resolve("dev/excluded-file")));
        assertFalse(Files.exists(rootfs.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(04755, (int) Files.getAttribute(rootfs.resolve("usr/bin/passwd"), "unix:mode") & 07777);
        // config-user (not config), variables substituted, lxc.include lines kept
        assertEquals(List.of("lxc.include = /usr/share/lxc/config/debian.common.conf", "lxc.include = /usr/share/lxc/config/debian.userns.conf",
                "lxc.arch = amd64", "lxc.hook.start-host = /usr/share/lxc/hooks/x " + rootfs + " " + containerDir.getParent()), x.lxcConfig());
        // nothing temporary is left in the container directory
        try (var l = Files.list(containerDir)) {
            assertEquals(List.of("rootfs"), l.map(p -> p.getFileName().toString()).toList());
        }
        try {
            s.extract(c, containerDir, "web1", new IdRange(100000, 65536));
            fail();
        } catch (LxcatException e) {
            assertEquals("the rootfs " + rootfs + " already exists: remove it (or the container) before extracting again", e.getMessage());
        }
    }

    @Test
    public void configFallsBackToConfigWithoutConfigUser() throws Exception {
        assumeTrue("chown to shifted ids needs root", ROOT);
        Map<String, String> meta = TestImages.meta();
        meta.remove("config-user");
        TestImages.build(images.server, "default", "20240301_05:24", TestImages.rootfs(), meta);
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        ExtractedImage x = s.extract(s.fetch(REF, FetchOptions.DEFAULT), tmp.getRoot().toPath().resolve("c2"), "c2", new IdRange(100000, 65536));
        assertEquals(List.of("lxc.include = /usr/share/lxc/config/debian.common.conf", "lxc.arch = amd64"), x.lxcConfig());
    }

    @Test
    public void hostnameIsNeverLeftLiterallyLxcName() throws Exception {
        assumeTrue("chown to shifted ids needs root", ROOT);
        // an image whose templates list forgot /etc/hostname: the name is still substituted where LXC_NAME stands
        Map<String, String> meta = TestImages.meta();
        meta.put("templates", "/etc/hosts\n");
        TestImages.build(images.server, "default", "20240301_05:24", TestImages.rootfs(), meta);
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        Path dir = tmp.getRoot().toPath().resolve("c3");
        s.extract(s.fetch(REF, FetchOptions.DEFAULT), dir, "c3", new IdRange(100000, 65536));
        assertNotEquals("LXC_NAME\n", TestImages.read(dir.resolve("rootfs/etc/hostname")));
        assertEquals("c3\n", TestImages.read(dir.resolve("rootfs/etc/hostname")));
    }
}
