package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;

/**
 * Only a bad archive is reported as one ("truncated or corrupt ... IMAGE_CACHE_FLUSH=true"); a failure writing the
 * tree names the entry, the cause and what to do about the target instead.
 */
public class TarExtractorErrorsTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private static final IdRange IDS = new IdRange(200000, 65536);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final String FLUSH = "fetch with IMAGE_CACHE_FLUSH=true";
    private Path mount;

    @After
    public void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String error(byte[] tar, Path target) {
        try {
            new TarExtractor(IDS, Set.of()).extract(new ByteArrayInputStream(tar), target, "rootfs.tar");
            throw new AssertionError("extracted");
        } catch (LxcatException e) {
            return e.getMessage();
        }
    }

    @Test
    public void aBrokenHeaderIsReportedAsACorruptArchive() throws Exception {
        byte[] tar = new Tars().file("a", "x".repeat(512)).file("b", "y").tar();
        tar[1024 + 100] ^= 0x11;   // the mode field of the second header: its checksum no longer matches
        String m = error(tar, tmp.newFolder().toPath());
        assertTrue(m, m.startsWith("extracting rootfs.tar failed"));
        assertTrue(m, m.endsWith("the archive is truncated or corrupt (" + FLUSH + ")"));
    }

    /** An interrupt (the runtime stopping) while a file is written closes its channel: that is no write error. */
    @Test
    public void anInterruptWhileWritingIsAnInterruptionNotAWriteError() throws Exception {
        byte[] tar = new Tars().file("big", "z".repeat(600_000)).tar();
        java.io.InputStream interrupting = new ByteArrayInputStream(tar) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (pos > 300_000) {
                    Thread.currentThread().interrupt();   // as the lifecycle's deactivation does to its worker
                }
                return super.read(b, off, Math.min(len, 100_000));
            }
        };
        try {
            new TarExtractor(IDS, Set.of()).extract(interrupting, tmp.newFolder().toPath(), "rootfs.tar");
            throw new AssertionError("extracted");
        } catch (LxcatException e) {
            assertEquals("extracting rootfs.tar was interrupted at entry 'big'", e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }

    /** A libarchive-style xattr header that does not decode is the archive's fault, not the target's. */
    @Test
    public void aMalformedLibarchiveXattrIsACorruptArchive() throws Exception {
        assumeTrue("chown to the shifted ids needs root", ROOT);
        org.apache.commons.compress.archivers.tar.TarArchiveEntry e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("etc/x");
        e.addPaxHeader("LIBARCHIVE.xattr.user.a", "*not base64*");
        byte[] tar = new Tars().add(e, new byte[0]).tar();
        String m = error(tar, tmp.newFolder().toPath());
        assertTrue(m, m.startsWith("extracting rootfs.tar failed at entry 'etc/x': its pax header LIBARCHIVE.xattr.user.a is malformed ("));
        assertTrue(m, m.endsWith("the archive is truncated or corrupt (" + FLUSH + ")"));
    }

    @Test
    public void aReadOnlyTargetIsAWriteErrorNotACorruptArchive() throws Exception {
        assumeTrue("mounting a tmpfs needs root", ROOT);
        Path m = tmp.newFolder("ro").toPath();
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", m.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue("cannot mount a tmpfs here: " + out, p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0);
        mount = m;
        String msg = error(new Tars().file("etc/hostname", "x\n").tar(), m);
        assertTrue(msg, msg.startsWith("extracting rootfs.tar failed at entry 'etc/hostname': cannot write it below "));
        assertTrue(msg, msg.contains("Read-only file system"));
        assertTrue(msg, msg.endsWith("(the archive itself read fine)"));
        assertFalse(msg, msg.contains("corrupt"));
        assertFalse(msg, msg.contains("IMAGE_CACHE_FLUSH"));
    }

    /** A JVM started in the C locale cannot make a file named "café": that is the locale's fault, not the archive's. */
    @Test
    public void aNameTheLocaleCannotEncodeIsAWriteErrorNotACorruptArchive() throws Exception {
        Path tar = Files.write(tmp.getRoot().toPath().resolve("names.tar"), new Tars().file("etc/caf\u00e9", "x").tar());
        Path target = tmp.newFolder("target").toPath();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TarExtractorErrorsTest.class.getName(), tar.toString(), target.toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
        env.put("LC_ALL", "C");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(out, p.waitFor(60, TimeUnit.SECONDS));
        assumeTrue("the child JVM can encode the name: " + out, !out.equals("extracted"));
        assertEquals(out, 0, p.exitValue());
        assertTrue(out, out.startsWith("extracting rootfs.tar failed at entry 'etc/caf"));
        assertTrue(out, out.contains("cannot be represented in the file name encoding"));
        assertTrue(out, out.endsWith("run with a UTF-8 locale (LC_ALL=C.UTF-8)"));
        assertFalse(out, out.contains("IMAGE_CACHE_FLUSH"));
    }

    /** The child of the locale test: extracts args[0] into args[1] and prints the error (or "extracted"). */
    public static void main(String[] args) throws Exception {
        try (var in = Files.newInputStream(Path.of(args[0]))) {
            new TarExtractor(IDS, Set.of()).extract(in, Path.of(args[1]), "rootfs.tar");
            System.out.println("extracted");
        } catch (LxcatException e) {
            System.out.println(e.getMessage());
        }
    }
}
