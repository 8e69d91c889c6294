package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The tar framing: GNU long names, pax and global pax headers, data larger than the buffer and split across reads,
 * and every way the framing itself can be broken. Archives come from GNU tar where it can write them, else are
 * assembled record by record.
 */
public class TarStreamTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    /** One entry as the stream gave it: name, link target, uid, data. */
    private record Seen(String name, String link, long uid, byte[] data) {
    }

    /** Reads every entry; {@code chunk} bounds each read from the input (a pipe hands out little at a time). */
    private static List<Seen> read(byte[] tar, int bufferSize, int chunk) throws IOException {
        InputStream in = new ByteArrayInputStream(tar) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        TarStream s = new TarStream(in, bufferSize);
        List<Seen> out = new ArrayList<>();
        TarStream.Header h;
        while ((h = s.next()) != null) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            ByteBuffer b;
            while ((b = s.data()) != null) {
                data.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            }
            TarArchiveEntry e = h.entry();
            out.add(new Seen(e.getName(), e.getLinkName(), e.getLongUserId(), data.toByteArray()));
        }
        s.drain();
        return out;
    }

    private static String corrupt(byte[] tar) {
        try {
            read(tar, 4096, 1000);
            throw new AssertionError("read a broken archive");
        } catch (TarStream.Corrupt e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] gnuTar(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tar", "-C", dir.toString(), "--numeric-owner", "-cf", "-"));
        cmd.addAll(List.of(args));
        cmd.add(".");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("tar exit status", 0, p.exitValue());
        return out;
    }

    /** A header record written by commons-compress (checksum included). */
    private static byte[] header(String name, byte type, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setSize(size);
        byte[] h = new byte[TarStream.RECORD];
        e.writeEntryHeader(h);
        return h;
    }

    /** Records: headers and data blocks padded to 512 bytes, then the two end-of-archive records. */
    private static byte[] records(boolean end, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
            out.writeBytes(new byte[(TarStream.RECORD - p.length % TarStream.RECORD) % TarStream.RECORD]);
        }
        if (end) {
            out.writeBytes(new byte[2 * TarStream.RECORD]);
        }
        return out.toByteArray();
    }

    private static byte[] pax(String... keyValues) {
        StringBuilder sb = new StringBuilder();
        for (String kv : keyValues) {
            int len = kv.length() + 3;   // " " and "\n" and at least one digit
            while (String.valueOf(len).length() + kv.getBytes(StandardCharsets.UTF_8).length + 2 != len) {
                len++;
            }
            sb.append(len).append(' ').append(kv).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void gnuLongNamesAndLinkTargetsAndDataAcrossSmallReads() throws Exception {
        Path dir = tmp.newFolder().toPath();
        String longDir = "d".repeat(120) + "/" + "e".repeat(90);
        Files.createDirectories(dir.resolve(longDir));
        byte[] big = new byte[700_001];   // larger than the buffer, not a multiple of a record
        new Random(7).nextBytes(big);
        Files.write(dir.resolve(longDir + "/" + "f".repeat(110)), big);
        Files.createSymbolicLink(dir.resolve("s"), Path.of("t".repeat(150)));
        Files.createLink(dir.resolve(longDir + "/" + "h".repeat(105)), dir.resolve(longDir + "/" + "f".repeat(110)));
        byte[] tar = gnuTar(dir, "--format=gnu", "--sort=name");
        for (int chunk : new int[] {1, 511, 513, 65536, Integer.MAX_VALUE}) {
            List<Seen> seen = read(tar, 8192, chunk);
            Seen file = seen.stream().filter(s -> s.name().endsWith("f".repeat(110))).findFirst().orElseThrow();
            assertEquals("./" + longDir + "/" + "f".repeat(110), file.name());
            assertArrayEquals("chunk " + chunk, big, file.data());
            Seen link = seen.stream().filter(s -> s.name().equals("./s")).findFirst().orElseThrow();
            assertEquals("t".repeat(150), link.link());
            Seen hard = seen.stream().filter(s -> s.name().endsWith("h".repeat(105))).findFirst().orElseThrow();
            assertEquals("./" + longDir + "/" + "f".repeat(110), hard.link());
            assertEquals(0, hard.data().length);
        }
    }

    @Test
    public void paxValuesOverrideTheHeaderAndKeepTheirRawBytes() throws Exception {
        byte[] binary = {0, (byte) 0xff, (byte) 0xc3, 10, 61};
        byte[] paxData = pax("path=" + "p".repeat(200), "uid=3000000");
        byte[] xattr = ("SCHILY.xattr.user.bin=").getBytes(StandardCharsets.ISO_8859_1);
        byte[] rec = new byte[xattr.length + binary.length + 1];
        System.arraycopy(xattr, 0, rec, 0, xattr.length);
        System.arraycopy(binary, 0, rec, xattr.length, binary.length);
        rec[rec.length - 1] = '\n';
        String len = String.valueOf(rec.length + 3);
        byte[] xrec = (len + " " + new String(rec, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        byte[] both = Arrays.copyOf(paxData, paxData.length + xrec.length);
        System.arraycopy(xrec, 0, both, paxData.length, xrec.length);
        byte[] tar = records(true, header("./PaxHeaders/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, both.length), both,
                header("short", TarConstants.LF_NORMAL, 3), "abc".getBytes(StandardCharsets.US_ASCII));
        TarStream s = new TarStream(new ByteArrayInputStream(tar), 4096);
        TarStream.Header h = s.next();
        assertEquals("p".repeat(200), h.entry().getName());
        assertEquals(3000000, h.entry().getLongUserId());
        assertArrayEquals(binary, h.rawPax().get("SCHILY.xattr.user.bin"));
        assertEquals("abc", StandardCharsets.US_ASCII.decode(s.data()).toString());
        assertNull(s.data());
        assertNull(s.next());
    }

    @Test
    public void globalPaxHeadersApplyUntilAnEmptyValueRemovesThem() throws Exception {
        byte[] g1 = pax("uid=4242");
        byte[] g2 = pax("uid=");
        byte[] tar = records(true,
                header("./GlobalHead.1", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, g1.length), g1,
                header("a", TarConstants.LF_NORMAL, 0),
                header("b", TarConstants.LF_NORMAL, 0),
                header("./GlobalHead.2", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, g2.length), g2,
                header("c", TarConstants.LF_NORMAL, 0));
        List<Seen> seen = read(tar, 4096, 700);
        assertEquals(List.of("a", "b", "c"), seen.stream().map(Seen::name).toList());
        assertEquals(List.of(4242L, 4242L, 0L), seen.stream().map(Seen::uid).toList());
    }

    @Test
    public void anArchiveWithoutEndRecordsEndsAtItsLastEntry() throws Exception {
        byte[] tar = records(false, header("a", TarConstants.LF_NORMAL, 5), "hello".getBytes(StandardCharsets.US_ASCII));
        List<Seen> seen = read(tar, 4096, 100);
        assertEquals(1, seen.size());
        assertEquals("hello", new String(seen.get(0).data(), StandardCharsets.US_ASCII));
    }

    @Test
    public void sparseFilesAreRefusedByNameAndNotBlamedOnTheCache() throws Exception {
        Path dir = tmp.newFolder().toPath();
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve("holes"), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}), 8 << 20);
        }
        for (String format : new String[] {"--format=gnu", "--format=pax"}) {
            byte[] tar = gnuTar(dir, format, "--sparse");
            try {
                read(tar, 4096, 1000);
                fail(format + ": read a sparse entry");
            } catch (TarStream.Unsupported e) {
                assertTrue(format + ": " + e.getMessage(), e.getMessage().startsWith("entry './holes' is a sparse file"));
            }
            if (ROOT) {
                String m = extractError(tar);
                assertEquals(format, "extracting test.tar failed: entry './holes' is a sparse file (written by tar --sparse), which"
                        + " the extractor does not support: the image cannot be used as it is (repack it without --sparse)", m);
            }
        }
    }

    private String extractError(byte[] tar) throws Exception {
        try {
            new TarExtractor(new org.lxcatastrophe.api.idmap.IdRange(200000, 65536), java.util.Set.of())
                    .extract(new ByteArrayInputStream(tar), tmp.newFolder().toPath(), "test.tar");
            throw new AssertionError("extracted");
        } catch (org.lxcatastrophe.api.LxcatException e) {
            return e.getMessage();
        }
    }

    /** Types 1, 2 and 5 store no data whatever their size fields say (GNU tar reads them so); 'D' does. */
    @Test
    public void linksAndDirectoriesCarryNoDataWhateverTheirSize() throws Exception {
        byte[] dir = header("etc/", TarConstants.LF_DIR, 4096);
        byte[] link = header("hl", TarConstants.LF_LINK, 4);
        byte[] sym = header("sl", TarConstants.LF_SYMLINK, 700);
        byte[] dump = header("d/", (byte) 'D', 5);
        byte[] tar = records(true, dir, link, sym, dump, "Yabc\0".getBytes(StandardCharsets.US_ASCII),
                header("etc/f", TarConstants.LF_NORMAL, 2), "ok".getBytes(StandardCharsets.US_ASCII));
        List<Seen> seen = read(tar, 4096, 300);
        assertEquals(List.of("etc/", "hl", "sl", "d/", "etc/f"), seen.stream().map(Seen::name).toList());
        assertEquals(0, seen.get(0).data().length);
        assertEquals(5, seen.get(3).data().length);
        assertEquals("ok", new String(seen.get(4).data(), StandardCharsets.US_ASCII));
    }

    @Test
    public void aLaterExtendedHeaderReplacesAnEarlierOneAndAnEmptyValueMasksAGlobalOne() throws Exception {
        byte[] g = pax("uid=4242");
        byte[] x1 = pax("uid=5", "path=first");
        byte[] x2 = pax("path=second", "uid=");
        byte[] tar = records(true, header("g", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, g.length), g,
                header("x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, x1.length), x1,
                header("x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, x2.length), x2,
                header("plain", TarConstants.LF_NORMAL, 0));
        TarStream s = new TarStream(new ByteArrayInputStream(tar), 4096);
        TarStream.Header h = s.next();
        assertEquals("second", h.entry().getName());
        assertEquals(0, h.entry().getLongUserId());
        assertEquals(java.util.Set.of("path"), h.rawPax().keySet());
    }

    @Test
    public void brokenFramingIsCorrupt() throws Exception {
        byte[] good = records(true, header("a", TarConstants.LF_NORMAL, 600), new byte[600]);
        // cut inside the second data record, inside the header, inside an extension header
        assertTrue(corrupt(Arrays.copyOf(good, 700)).startsWith("the archive ends in the middle of a"));
        assertTrue(corrupt(Arrays.copyOf(good, 100)).startsWith("the archive ends inside a header"));
        byte[] paxData = pax("path=" + "q".repeat(3000));
        byte[] cut = Arrays.copyOf(records(true, header("x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, paxData.length), paxData), 2000);
        assertTrue(corrupt(cut).startsWith("the archive ends inside the extension header at offset 0"));
        // a header with a wrong checksum
        byte[] flipped = good.clone();
        flipped[10] ^= 1;
        assertEquals("the header at offset 0 has a wrong checksum", corrupt(flipped));
        // a record that is no header at all (its checksum field is not even octal)
        byte[] junk = good.clone();
        Arrays.fill(junk, 0, TarStream.RECORD, (byte) 'J');
        assertTrue(corrupt(junk), corrupt(junk).startsWith("the record at offset 0 is not a tar header"));
        // a size that cannot be skipped (base-256, 2^63 - 1), on an entry type that is skipped
        TarArchiveEntry fifo = new TarArchiveEntry("fifo", TarConstants.LF_FIFO, true);
        fifo.setSize(Long.MAX_VALUE);
        byte[] h = new byte[TarStream.RECORD];
        fifo.writeEntryHeader(h, org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding("UTF-8"), true);
        assertEquals("the header at offset 0 has an impossible size " + Long.MAX_VALUE, corrupt(records(true, h, header("c", TarConstants.LF_NORMAL, 0))));
        // extension headers beyond the limits: one entry's together, the global values
        String big = corrupt(records(true, header("x", TarConstants.LF_GNUTYPE_LONGNAME, TarStream.MAX_EXTENSION + 1)));
        assertTrue(big, big.contains("add up to more than " + TarStream.MAX_EXTENSION + " bytes"));
        byte[] half = pax("a=" + "v".repeat(TarStream.MAX_EXTENSION / 2));
        String two = corrupt(records(true, header("x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, half.length), half,
                header("x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, half.length), half, header("a", TarConstants.LF_NORMAL, 0)));
        assertTrue(two, two.contains("add up to more than"));
        byte[] global = pax("comment=" + "c".repeat(TarStream.MAX_GLOBAL));
        String g = corrupt(records(true, header("g", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, global.length), global,
                header("a", TarConstants.LF_NORMAL, 0)));
        assertTrue(g, g.startsWith("the global pax header at offset 0 sets ") && g.endsWith("(at most " + TarStream.MAX_GLOBAL + " are accepted)"));
        // a malformed value keeps what commons-compress says about it
        byte[] mtime = pax("mtime=abc");
        String time = corrupt(records(true, header("x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, mtime.length), mtime,
                header("a", TarConstants.LF_NORMAL, 0)));
        assertTrue(time, time.startsWith("the header at offset 1024 is malformed: ") && time.contains("abc"));
        for (String bad : new String[] {"5 a=b\n", "x a=b\n", "5 ab\n", "99 a=b\n", "6 a=bb"}) {
            byte[] rec = bad.getBytes(StandardCharsets.US_ASCII);
            String m = corrupt(records(true, header("x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, rec.length), rec,
                    header("a", TarConstants.LF_NORMAL, 0)));
            assertTrue(bad + ": " + m, m.startsWith("a pax extended header record"));
        }
    }
}
