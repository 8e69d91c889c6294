package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.idmap.IdRange;

/** What a well-formed archive becomes: types, shifted owners, special mode bits, mtimes, xattrs; devices and excludes skipped. */
public class TarExtractorTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private static final IdRange IDS = new IdRange(200000, 65536);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private Path extract(Tars t, Set<String> excludes) throws Exception {
        Path target = tmp.newFolder().toPath();
        new TarExtractor(IDS, excludes).extract(new ByteArrayInputStream(t.tar()), target, "test.tar");
        return target;
    }

    private static Object attr(Path p, String a) throws Exception {
        return Files.getAttribute(p, "unix:" + a, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    public void typesOwnersModesAndTimes() throws Exception {
        assumeTrue("chown to shifted ids needs root", ROOT);
        Path r = extract(new Tars().dir("./", 0755, 0, 0).dir("usr", 0755, 0, 0).dir("usr/bin", 0755, 0, 0)
                .file("usr/bin/passwd", "#!passwd", 04755, 0, 0)
                .file("usr/bin/chage", "#!chage", 02755, 0, 42)
                .dir("tmp", 01777, 0, 0)
                .dir("var/mail", 02775, 0, 8)
                .file("home/user/.profile", "x", 0600, 1000, 1000)
                .file("srv/shared", "group-writable: the umask would drop g+w at creation", 0664, 0, 50)
                .file("srv/readonly", "created read-only and written through the new descriptor", 0444, 0, 0)
                .file("srv/none", "", 0, 0, 0)
                .symlink("usr/bin/vi", "/usr/bin/vim.tiny")
                .hardlink("usr/bin/chage2", "usr/bin/chage")
                .device("dev/null", TarConstants.LF_CHR, 1, 3)
                .device("dev/sda", TarConstants.LF_BLK, 8, 0)
                .device("run/fifo", TarConstants.LF_FIFO, 0, 0)
                .file("etc/excluded", "no"), Set.of("./etc/excluded"));
        assertEquals(04755, (int) attr(r.resolve("usr/bin/passwd"), "mode") & 07777);
        assertEquals(200000, attr(r.resolve("usr/bin/passwd"), "uid"));
        assertEquals(02755, (int) attr(r.resolve("usr/bin/chage"), "mode") & 07777);
        assertEquals(200042, attr(r.resolve("usr/bin/chage"), "gid"));
        assertEquals(01777, (int) attr(r.resolve("tmp"), "mode") & 07777);
        assertEquals(02775, (int) attr(r.resolve("var/mail"), "mode") & 07777);
        assertEquals(200008, attr(r.resolve("var/mail"), "gid"));
        assertEquals(201000, attr(r.resolve("home/user/.profile"), "uid"));
        assertEquals(201000, attr(r.resolve("home/user/.profile"), "gid"));
        assertEquals(0600, (int) attr(r.resolve("home/user/.profile"), "mode") & 07777);
        assertEquals(0664, (int) attr(r.resolve("srv/shared"), "mode") & 07777);
        assertEquals(200050, attr(r.resolve("srv/shared"), "gid"));
        assertEquals(0444, (int) attr(r.resolve("srv/readonly"), "mode") & 07777);
        assertEquals("created read-only and written through the new descriptor", Files.readString(r.resolve("srv/readonly")));
        assertEquals(0, (int) attr(r.resolve("srv/none"), "mode") & 07777);
        // implicit parents belong to the container's root
        assertEquals(200000, attr(r.resolve("home/user"), "uid"));
        assertEquals(200000, attr(r, "uid"));
        assertEquals("/usr/bin/vim.tiny", Files.readSymbolicLink(r.resolve("usr/bin/vi")).toString());
        assertEquals(200000, attr(r.resolve("usr/bin/vi"), "uid"));
        assertEquals(attr(r.resolve("usr/bin/chage"), "ino"), attr(r.resolve("usr/bin/chage2"), "ino"));
        assertEquals(2, attr(r.resolve("usr/bin/chage"), "nlink"));
        assertFalse(Files.exists(r.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(r.resolve("dev/sda"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(r.resolve("run/fifo"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(r.resolve("etc/excluded"), LinkOption.NOFOLLOW_LINKS));
        // mtimes to the nanosecond, directories included (set after their contents), symlinks too
        FileTime t0 = FileTime.from(Tars.T0);
        for (String p : List.of("usr/bin/passwd", "usr/bin", "usr", "tmp", "")) {
            assertEquals(p, t0, Files.getLastModifiedTime(r.resolve(p), LinkOption.NOFOLLOW_LINKS));
        }
        // the JDK sets a symlink's times with lutimes: microseconds
        assertEquals(t0.toInstant().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                Files.getLastModifiedTime(r.resolve("usr/bin/vi"), LinkOption.NOFOLLOW_LINKS).toInstant());
    }

    @Test
    public void userXattrsFromPaxHeaders() throws Exception {
        assumeTrue("chown to shifted ids needs root", ROOT);
        TarArchiveEntry e = new TarArchiveEntry("f", TarConstants.LF_NORMAL, true);
        e.setMode(0644);
        e.addPaxHeader("SCHILY.xattr.user.comment", "h\u00e9llo");
        e.addPaxHeader("LIBARCHIVE.xattr.user.bin", java.util.Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xff, 1}));
        Path r = extract(new Tars().add(e, "x".getBytes(StandardCharsets.UTF_8)), Set.of());
        UserDefinedFileAttributeView v = Files.getFileAttributeView(r.resolve("f"), UserDefinedFileAttributeView.class);
        assertArrayEquals("h\u00e9llo".getBytes(StandardCharsets.UTF_8), read(v, "comment"));
        assertArrayEquals(new byte[] {0, (byte) 0xff, 1}, read(v, "bin"));
    }

    private static byte[] read(UserDefinedFileAttributeView v, String name) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(v.size(name));
        v.read(name, b);
        return b.array();
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", cmd), p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(String.join(" ", cmd) + ": " + out, 0, p.exitValue());
        return out;
    }

    /** Binary xattrs as GNU tar stores them (raw bytes in the pax header): file capabilities and ACLs, shifted. */
    @Test
    public void binaryXattrsWrittenByGnuTarAreShifted() throws Exception {
        assumeTrue("needs root", ROOT);
        assumeTrue("needs setfattr (apt-get install attr)", Files.isExecutable(Path.of("/usr/bin/setfattr")));
        Path src = tmp.newFolder("src").toPath();
        Files.writeString(src.resolve("ping"), "binary");
        Files.createDirectory(src.resolve("journal"));
        // cap_net_raw+ep, version 2 (what setcap writes outside a user namespace)
        String capV2 = "0100000200200000000000000000000000000000";
        // user::rwx group::r-x group:adm(4):r-x mask::r-x other::r-x
        String acl = "02000000" + "01000700ffffffff" + "04000500ffffffff" + "0800050004000000" + "10000500ffffffff" + "20000500ffffffff";
        run("setfattr", "-n", "security.capability", "-v", "0x" + capV2, src.resolve("ping").toString());
        run("setfattr", "-n", "system.posix_acl_access", "-v", "0x" + acl, src.resolve("journal").toString());
        run("setfattr", "-n", "system.posix_acl_default", "-v", "0x" + acl, src.resolve("journal").toString());
        run("setfattr", "-n", "user.note", "-v", "0xff00fe", src.resolve("ping").toString());
        Path tarXz = tmp.getRoot().toPath().resolve("x.tar.xz");
        run("tar", "-C", src.toString(), "--numeric-owner", "--xattrs", "--xattrs-include=*", "-cJf", tarXz.toString(), ".");
        Path target = tmp.newFolder("out").toPath();
        new TarExtractor(IDS, Set.of()).extractXz(tarXz, target, 1);
        String caps = run("getfattr", "-h", "-e", "hex", "-n", "security.capability", target.resolve("ping").toString());
        // v3 with the root id 200000 = 0x00030d40, little endian
        assertTrue(caps, caps.contains("security.capability=0x0100000300200000000000000000000000000000400d0300"));
        String acls = run("getfattr", "-h", "-e", "hex", "-m", "system.posix_acl", "-d", target.resolve("journal").toString());
        // the adm group 4 became 200004 = 0x00030d44
        String shifted = "0x02000000" + "01000700ffffffff" + "04000500ffffffff" + "08000500440d0300" + "10000500ffffffff" + "20000500ffffffff";
        assertTrue(acls, acls.contains("system.posix_acl_access=" + shifted));
        assertTrue(acls, acls.contains("system.posix_acl_default=" + shifted));
        UserDefinedFileAttributeView v = Files.getFileAttributeView(target.resolve("ping"), UserDefinedFileAttributeView.class);
        assertEquals("ff00fe", HexFormat.of().formatHex(read(v, "note")));
    }

    @Test
    public void capabilityAndAclValues() throws Exception {
        byte[] v3 = HexFormat.of().parseHex("010000030020000000000000000000000000000005000000");
        assertEquals("010000030020000000000000000000000000000045420f00",
                HexFormat.of().formatHex(Capabilities.toV3(v3, 1000000)));
        byte[] odd = {1, 2, 3};
        assertArrayEquals(odd, Capabilities.toV3(odd, 5));
        assertArrayEquals(odd, Capabilities.shiftAcl(odd, IDS, "x"));
        byte[] acl = HexFormat.of().parseHex("02000000" + "0200070001000000");
        assertEquals("02000000" + "02000700410d0300", HexFormat.of().formatHex(Capabilities.shiftAcl(acl, IDS, "x")));
        try {
            Capabilities.shiftAcl(HexFormat.of().parseHex("02000000" + "0200070000000100"), IDS, "etc/x");
            throw new AssertionError();
        } catch (org.lxcatastrophe.api.LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'etc/x' has an ACL for id 65536"));
        }
    }

    @Test
    public void setfattrDumpEscapesNames() {
        assertEquals("# file: /a\\040b\\134c\\303\\251\nsecurity.capability=0x01ff\n\n",
                Xattrs.dump(List.of(new Xattrs.Item("/a b\\c\u00e9", "security.capability", new byte[] {1, (byte) 0xff}))));
    }

    @Test
    public void truncatedArchive() throws Exception {
        byte[] tar = new Tars().file("big", "y".repeat(100000)).tar();
        Path target = tmp.newFolder().toPath();
        try {
            new TarExtractor(IDS, Set.of()).extract(new ByteArrayInputStream(java.util.Arrays.copyOf(tar, 50000)), target, "cut.tar");
            throw new AssertionError("extracted a truncated archive");
        } catch (org.lxcatastrophe.api.LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("extracting cut.tar failed at entry 'big': "));
            assertTrue(e.getMessage(), e.getMessage().contains("truncated"));
            assertTrue(e.getMessage(), e.getMessage().endsWith("(fetch with IMAGE_CACHE_FLUSH=true)"));
        }
    }
}
