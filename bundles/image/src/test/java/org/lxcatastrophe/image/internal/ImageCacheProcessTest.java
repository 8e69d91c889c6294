package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.FetchOptions;

/** The cache shared with real second processes (child JVMs): the entry lock, and a kill -9 in the middle of a download. */
public class ImageCacheProcessTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Path server;
    private Path cache;
    private TestServer http;
    private Process child;

    @Before
    public void setUp() throws Exception {
        server = tmp.newFolder("server").toPath();
        cache = tmp.getRoot().toPath().resolve("cache");
        byte[] noise = new byte[4 << 20];
        new java.util.Random(7).nextBytes(noise);
        TestImages.build(server, "default", TestImages.BUILD, TestImages.rootfs().add(big(noise), noise), TestImages.meta());
        http = new TestServer(server);
    }

    private static org.apache.commons.compress.archivers.tar.TarArchiveEntry big(byte[] noise) {
        org.apache.commons.compress.archivers.tar.TarArchiveEntry e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("noise");
        e.setMode(0644);
        return e;
    }

    @After
    public void tearDown() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        http.close();
    }

    @Test
    public void aSecondProcessWaitsForTheLock() throws Exception {
        child = CacheChild.start("hold", cache.toString());
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine());
        CompletableFuture<CachedImage> f = CompletableFuture.supplyAsync(() -> {
            try {
                return TestImages.service(http.uri(), cache).fetch(CacheChild.REF, FetchOptions.DEFAULT);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(2000);
        assertFalse("the fetch went ahead while another process held the entry", f.isDone());
        assertEquals("nothing was fetched while locked", 0, http.count("/rootfs.tar.xz"));
        child.getOutputStream().close();
        assertEquals("released", out.readLine());
        CachedImage c = f.get(60, TimeUnit.SECONDS);
        assertTrue(c.downloaded());
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    public void twoProcessesFetchingAtOnceDownloadOnce() throws Exception {
        http.pauseMillis = 5;
        Process a = CacheChild.start("fetch", http.uri().toString(), cache.toString());
        Process b = CacheChild.start("fetch", http.uri().toString(), cache.toString());
        String ra = new String(a.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String rb = new String(b.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(a.waitFor(60, TimeUnit.SECONDS) && b.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, a.exitValue());
        assertEquals(0, b.exitValue());
        assertEquals(java.util.Set.of("done " + TestImages.BUILD + " downloaded=true", "done " + TestImages.BUILD + " downloaded=false"),
                java.util.Set.of(ra, rb));
        assertEquals(1, http.count("/rootfs.tar.xz"));
    }

    @Test
    public void aKillDuringTheDownloadLeavesNothingTrustedAndTheNextFetchResumes() throws Exception {
        http.pauseMillis = 40;
        child = CacheChild.start("fetch", http.uri().toString(), cache.toString());
        Path part = cache.resolve("debian/bookworm/amd64/.default.partial/rootfs.tar.xz.part");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(part) && Files.size(part) > (512 << 10))) {
            assertTrue("the child did not start downloading", System.nanoTime() < deadline && child.isAlive());
            Thread.sleep(50);
        }
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long had = Files.size(part);
        assertTrue(had < Files.size(server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD + "/rootfs.tar.xz")));
        ImageCache c = new ImageCache(cache);
        assertEquals(Optional.empty(), c.read(CacheChild.REF));
        assertEquals(java.util.List.of(), c.all());
        http.pauseMillis = 0;
        CachedImage got = TestImages.service(http.uri(), cache).fetch(CacheChild.REF, FetchOptions.DEFAULT);
        assertTrue(got.downloaded());
        assertEquals("the download resumed where the killed process stopped", 1, http.ranged.get());
        assertEquals(Verifier.sha256(server.resolve("images/debian/bookworm/amd64/default/" + TestImages.BUILD + "/rootfs.tar.xz")),
                Verifier.sha256(got.rootfs()));
    }
}
