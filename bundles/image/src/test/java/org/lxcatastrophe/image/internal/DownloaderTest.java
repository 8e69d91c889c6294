package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;

/** The HTTP transfer against a real HTTP server on loopback: redirects, the User-Agent, interruption and stalls. */
public class DownloaderTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Path root;
    private TestServer http;
    private Downloader downloader;

    @Before
    public void setUp() throws Exception {
        root = tmp.newFolder("srv").toPath();
        Files.createDirectories(root.resolve("meta/1.0"));
        Files.writeString(root.resolve("meta/1.0/index-system"), "debian;bookworm;amd64;default;20261201_00:00;/images/x/\n");
        byte[] big = new byte[4 << 20];
        new java.util.Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        http = new TestServer(root);
        downloader = new Downloader(Duration.ofSeconds(1), 3, -1);
    }

    @After
    public void tearDown() {
        downloader.close();
        http.close();
    }

    @Test
    public void redirectsOnTheServerAreFollowedWithTheProductsUserAgent() throws Exception {
        http.redirectFor.put("/old/index-system", "/meta/1.0/index-system");
        Optional<byte[]> got = downloader.fetchSmall(http.uri().resolve("old/index-system"));
        assertArrayEquals(Files.readAllBytes(root.resolve("meta/1.0/index-system")), got.orElseThrow());
        assertEquals(1, http.count("/old/index-system"));
        assertEquals(1, http.count("/meta/1.0/index-system"));
        assertTrue(http.lastUserAgent, http.lastUserAgent.startsWith("lxcatastrophe/"));

        http.redirectFor.put("/moved.bin", http.uri().resolve("big.bin").toString());
        Path dest = tmp.getRoot().toPath().resolve("big.part");
        downloader.download(http.uri().resolve("moved.bin"), dest, -1, "big.bin");
        assertArrayEquals(Files.readAllBytes(root.resolve("big.bin")), Files.readAllBytes(dest));
    }

    @Test
    public void aRedirectLoopGivesUpWithOneLine() {
        http.redirectFor.put("/loop", "/loop");
        try {
            downloader.fetchSmall(http.uri().resolve("loop"));
            fail("a redirect loop was followed forever");
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("more than " + Downloader.MAX_REDIRECTS + " redirects"));
        }
    }

    @Test
    public void redirectsNeverGoFromHttpsDownToHttpNorToOtherSchemes() throws Exception {
        URI https = URI.create("https://images.example/meta/1.0/index-system");
        assertEquals(URI.create("https://mirror.example/a"), Downloader.redirectTarget(https, "https://mirror.example/a"));
        assertEquals(URI.create("https://images.example/b"), Downloader.redirectTarget(https, "/b"));
        assertEquals(URI.create("https://mirror.example/a"),
                Downloader.redirectTarget(URI.create("http://images.example/x"), "https://mirror.example/a"));
        for (String bad : new String[] {"http://mirror.example/a", "file:///etc/passwd", "ftp://mirror.example/a"}) {
            try {
                Downloader.redirectTarget(https, bad);
                fail("followed a redirect to " + bad);
            } catch (LxcatException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("redirected"));
            }
        }
    }

    @Test(timeout = 20_000)
    public void anInterruptEndsASlowTransferAtOnce() throws Exception {
        http.pauseMillis = 300;
        Downloader patient = new Downloader(Duration.ofSeconds(30), 3, -1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                patient.download(http.uri().resolve("big.bin"), tmp.getRoot().toPath().resolve("slow.part"), -1, "big.bin");
            } catch (Throwable e) {
                failure.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        Thread.sleep(700);
        long t0 = System.nanoTime();
        t.interrupt();
        t.join(10_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        patient.close();
        assertTrue("the transfer went on " + ms + " ms after the interrupt", ms < 2000);
        assertTrue(String.valueOf(failure.get()), failure.get() instanceof LxcatException
                && failure.get().getMessage().contains("interrupted while downloading"));
        assertTrue("the interrupt status was lost", stillInterrupted.get());
        assertEquals("an interrupted transfer is not retried", 1, http.count("/big.bin"));
    }

    @Test(timeout = 30_000)
    public void aServerThatStopsSendingFailsAfterTheTimeoutAndIsRetried() throws Exception {
        http.pauseMillis = 2500;
        try {
            downloader.download(http.uri().resolve("big.bin"), tmp.getRoot().toPath().resolve("stall.part"), -1, "big.bin");
            fail("a stalled transfer did not fail");
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no data for 1 s") || e.getMessage().contains("timed out"));
            assertTrue(e.getMessage(), e.getMessage().contains("gave up after 3 tries"));
        }
    }
}
