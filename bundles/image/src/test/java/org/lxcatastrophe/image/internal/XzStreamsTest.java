package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Multi-block .xz files (as {@code xz -T} writes them) decode to exactly the original bytes, on one or more threads. */
public class XzStreamsTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** Text-like data (compressible, with a known first byte per block) split into blocks of the given sizes. */
    private static byte[] data(int total) {
        Random r = new Random(42);
        byte[] b = new byte[total];
        String words = "etc usr lib share doc debian systemd ";
        for (int i = 0; i < total; i++) {
            b[i] = (byte) (r.nextInt(10) == 0 ? r.nextInt(256) : words.charAt(r.nextInt(words.length())));
        }
        return b;
    }

    private Path xz(byte[] data, int... blockSizes) throws IOException {
        Path f = tmp.newFile().toPath();
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(f), new LZMA2Options(1))) {
            int off = 0;
            for (int size : blockSizes) {
                ((XZOutputStream) out).write(data, off, size);
                ((XZOutputStream) out).endBlock();
                off += size;
            }
            assertEquals("test setup: block sizes add up", data.length, off);
        }
        return f;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[7919];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    public void multiBlockFileDecodesInParallelToTheOriginal() throws IOException {
        byte[] data = data(300_000);
        // a short last block, as at the end of a real rootfs.tar.xz
        Path f = xz(data, 100_000, 100_000, 90_000, 10_000);
        for (int threads : new int[] { 1, 2, 3 }) {
            try (InputStream in = XzStreams.open(f, threads)) {
                if (threads > 1) {
                    assertTrue("parallel decoder used", in instanceof XzStreams.ParallelBlocks);
                }
                assertArrayEquals("threads=" + threads, data, readAll(in));
            }
        }
    }

    @Test
    public void singleByteReadsMatchToo() throws IOException {
        byte[] data = data(50_000);
        Path f = xz(data, 20_000, 20_000, 10_000);
        try (InputStream in = XzStreams.open(f, 2)) {
            for (int i = 0; i < data.length; i++) {
                assertEquals("byte " + i, data[i] & 0xff, in.read());
            }
            assertEquals(-1, in.read());
        }
    }

    @Test
    public void truncatedFileIsReportedAsCorrupt() throws IOException {
        byte[] data = data(200_000);
        Path f = xz(data, 100_000, 100_000);
        byte[] whole = Files.readAllBytes(f);
        // damage a byte inside the first block's compressed data: its check (or the decoder) fails
        whole[whole.length / 4] ^= 0x55;
        Files.write(f, whole);
        try (InputStream in = XzStreams.open(f, 2)) {
            readAll(in);
            fail("a damaged block must not decode silently");
        } catch (IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage() != null && !expected.getMessage().isEmpty());
        }
    }
}
