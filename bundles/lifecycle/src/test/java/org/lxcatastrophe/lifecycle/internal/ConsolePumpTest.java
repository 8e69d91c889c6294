package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ConsolePumpTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** A two-byte character whose first byte is the last of the first 8 KiB read. */
    @Test
    public void characterAcrossTheReadBufferBoundaryStaysWhole() throws Exception {
        Path log = tmp.newFile("console.log").toPath();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] filler = new byte[8191];
        Arrays.fill(filler, (byte) 'a');
        bytes.write(filler);
        bytes.write("é and €\nnext line\n".getBytes(StandardCharsets.UTF_8));
        Files.write(log, bytes.toByteArray());

        List<String> lines = new CopyOnWriteArrayList<>();
        ConsolePump pump = new ConsolePump(log, lines::add);
        pump.stop();   // not started: run() reads the file once and returns
        pump.run();

        assertEquals(2, lines.size());
        String first = lines.get(0);
        assertEquals("aaé and €", first.substring(first.length() - 9));   // short message when it fails
        assertEquals(new String(filler, StandardCharsets.US_ASCII) + "é and €", first);
        assertEquals("next line", lines.get(1));
        assertEquals(lines, pump.lastLines(10));
    }

    /** The writer stops in the middle of a three-byte character; the pump reads the rest on a later round. */
    @Test
    public void characterSplitBetweenTwoWritesStaysWhole() throws Exception {
        Path log = tmp.newFile("console.log").toPath();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        first.write("booting\n".getBytes(StandardCharsets.UTF_8));
        first.write(euro, 0, 1);
        Files.write(log, first.toByteArray());

        List<String> lines = new CopyOnWriteArrayList<>();
        ConsolePump pump = new ConsolePump(log, lines::add);
        pump.start();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (lines.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(Arrays.asList("booting"), lines);
            // the pump has now read the lone lead byte; give it a few more rounds over it
            Thread.sleep(200);
            append(log, Arrays.copyOfRange(euro, 1, 2));
            Thread.sleep(200);
            append(log, Arrays.copyOfRange(euro, 2, 3));
            append(log, " 5\n".getBytes(StandardCharsets.UTF_8));
        } finally {
            pump.stop();
        }
        assertEquals(Arrays.asList("booting", "€ 5"), lines);
        assertTrue(lines.stream().noneMatch(l -> l.indexOf('\uFFFD') >= 0));
    }

    /** Bytes that are not UTF-8 still become one replacement character each, and the rest of the line survives. */
    @Test
    public void invalidBytesAreReplaced() throws Exception {
        Path log = tmp.newFile("console.log").toPath();
        Files.write(log, new byte[] {'o', 'k', (byte) 0xFF, 'x', '\r', '\n', 'e', 'n', 'd'});
        List<String> lines = new CopyOnWriteArrayList<>();
        ConsolePump pump = new ConsolePump(log, lines::add);
        pump.stop();
        pump.run();
        assertEquals(Arrays.asList("ok\uFFFDx", "end"), lines);
    }

    private static void append(Path file, byte[] b) throws IOException {
        Files.write(file, b, StandardOpenOption.APPEND);
    }
}
