package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The three decoders (xz program, parallel blocks, streamed) give the same bytes and all refuse corrupt or truncated data. */
public class XzStreamsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @After
    public void reset() {
        System.clearProperty(XzStreams.DECODER_PROPERTY);
    }

    private Path multiBlock(byte[] data) throws Exception {
        assumeTrue("needs the xz program", XzStreams.nativeXz() != null);
        Path raw = tmp.getRoot().toPath().resolve("data");
        Files.write(raw, data);
        Process p = new ProcessBuilder("xz", "-T2", "--block-size=262144", "-k", raw.toString()).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return raw.resolveSibling("data.xz");
    }

    private static byte[] data() {
        byte[] d = new byte[3 << 20];
        Random r = new Random(11);
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) ('a' + r.nextInt(6));
        }
        return d;
    }

    private static byte[] read(Path f, int threads, boolean java) throws IOException {
        if (java) {
            System.setProperty(XzStreams.DECODER_PROPERTY, "java");
        } else {
            System.clearProperty(XzStreams.DECODER_PROPERTY);
        }
        try (InputStream in = XzStreams.open(f, threads)) {
            return in.readAllBytes();
        }
    }

    @Test
    public void sameBytesFromEveryDecoder() throws Exception {
        byte[] d = data();
        Path f = multiBlock(d);
        assertTrue(read(f, 2, true).length > 0);
        assertArrayEquals("parallel blocks", d, read(f, 2, true));
        assertArrayEquals("streamed", d, read(f, 1, true));
        assertArrayEquals("xz program", d, read(f, 2, false));
        System.setProperty(XzStreams.DECODER_PROPERTY, "java");
        try (InputStream in = XzStreams.open(f, 2)) {
            assertEquals(XzStreams.ParallelBlocks.class, in.getClass());
        }
    }

    @Test
    public void corruptOrTruncatedFailsInEveryDecoder() throws Exception {
        byte[] whole = Files.readAllBytes(multiBlock(data()));
        byte[] corrupt = whole.clone();
        for (int i = whole.length / 2; i < whole.length / 2 + 8; i++) {
            corrupt[i] ^= 0x33;
        }
        Path c = Files.write(tmp.getRoot().toPath().resolve("corrupt.xz"), corrupt);
        Path t = Files.write(tmp.getRoot().toPath().resolve("truncated.xz"), java.util.Arrays.copyOf(whole, whole.length - 100));
        for (Path f : new Path[] {c, t}) {
            for (Object[] mode : new Object[][] {{2, true}, {1, true}, {2, false}}) {
                try {
                    read(f, (Integer) mode[0], (Boolean) mode[1]);
                    throw new AssertionError(f.getFileName() + " decoded with threads=" + mode[0] + " java=" + mode[1]);
                } catch (IOException expected) {
                    assertTrue(f.getFileName() + " threads=" + mode[0] + " java=" + mode[1] + ": " + expected, expected.getMessage() != null && !expected.getMessage().isEmpty());
                }
            }
        }
    }

    /** A source that gives {@code n} bytes and then fails with {@code t}. */
    private static InputStream failingAfter(int n, Throwable t) {
        return new InputStream() {
            private int left = n;

            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    if (t instanceof IOException e) {
                        throw e;
                    }
                    throw (Error) t;
                }
                int k = Math.min(len, left);
                left -= k;
                return k;
            }
        };
    }

    @Test(timeout = 20_000)
    public void thePumpReportsEveryFailureAndNeverLeavesTheReaderWaiting() throws Exception {
        for (Throwable t : new Throwable[] {new IOException("boom"), new OutOfMemoryError("simulated")}) {
            try (InputStream in = new XzStreams.Pumped(failingAfter(3 * XzStreams.Pumped.BUFFER_SIZE + 5, t))) {
                byte[] b = new byte[8192];
                long got = 0;
                IOException first = null;
                try {
                    for (int n; (n = in.read(b)) > 0; ) {
                        got += n;
                    }
                } catch (IOException e) {
                    first = e;
                }
                assertEquals(t.toString(), 3L * XzStreams.Pumped.BUFFER_SIZE, got);
                assertTrue(t.toString(), first != null && first.getMessage().contains(t.getMessage()));
                try {
                    in.read(b);
                    throw new AssertionError("a second read after " + t + " returned");
                } catch (IOException again) {
                    assertEquals(first.getMessage(), again.getMessage());
                }
            }
        }
        InputStream closed = new XzStreams.Pumped(new java.io.ByteArrayInputStream(new byte[10]));
        closed.close();
        try {
            closed.read();
            throw new AssertionError("read after close returned");
        } catch (IOException expected) {
            assertEquals("the xz stream is closed", expected.getMessage());
        }
    }

    /**
     * An xz program that cannot be started is this host's fault: the message says so for the rootfs and the metadata,
     * and does not send the user to flush a cache that is fine. A child JVM runs with a PATH whose first xz is a
     * directory (executable to the PATH search, refused by exec).
     */
    @Test
    public void anXzProgramThatCannotRunIsNotACorruptCache() throws Exception {
        Path bin = tmp.newFolder("bin").toPath();
        Files.createDirectory(bin.resolve("xz"));
        Path tarXz = new Tars().file("etc/hostname", "x\n").xz(tmp.getRoot().toPath().resolve("rootfs.tar.xz"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), XzStreamsTest.class.getName(), tarXz.toString(),
                tmp.newFolder("target").toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertTrue(out, p.waitFor(60, TimeUnit.SECONDS));
        String[] lines = out.split("\n");
        assertEquals(out, 2, lines.length);
        String cannotRun = ": cannot run " + bin.resolve("xz") + " (";
        assertTrue(lines[0], lines[0].startsWith("cannot decompress " + tarXz + cannotRun));
        assertTrue(lines[1], lines[1].startsWith("cannot decompress the image metadata " + tarXz + cannotRun));
        for (String l : lines) {
            assertTrue(l, l.endsWith("reinstall xz-utils, or decompress with XZ for Java (JAVA_OPTS=-D" + XzStreams.DECODER_PROPERTY + "=java)"));
            assertTrue(l, !l.contains("corrupt") && !l.contains("IMAGE_CACHE_FLUSH"));
        }
    }

    /** The child of the test above: extracts args[0] into args[1], then reads it as metadata; prints each error. */
    public static void main(String[] args) {
        try {
            new TarExtractor(new org.lxcatastrophe.api.idmap.IdRange(100000, 65536), java.util.Set.of())
                    .extractXz(Path.of(args[0]), Path.of(args[1]), 2);
            System.out.println("extracted");
        } catch (org.lxcatastrophe.api.LxcatException e) {
            System.out.println(e.getMessage());
        }
        try {
            ImageMetadata.read(Path.of(args[0]));
            System.out.println("read");
        } catch (org.lxcatastrophe.api.LxcatException e) {
            System.out.println(e.getMessage());
        }
    }
}
