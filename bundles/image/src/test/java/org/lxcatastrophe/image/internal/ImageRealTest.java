package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.ExtractedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;

/**
 * The real testbed image (debootstrap Debian bookworm with systemd and sshd, testbed/build-test-image.sh), served over
 * HTTP on 127.0.0.1 and as a file:// mirror, fetched through the LXC index and simplestreams, and extracted with the
 * shift; the tree is compared with what GNU tar extracts from the same rootfs.tar.xz, shifted.
 */
public class ImageRealTest {
    private static final IdRange IDS = new IdRange(100000, 65536);
    private static Path server;
    private static Path work;
    private static String arch;
    private TestServer http;

    @BeforeClass
    public static void testbed() throws Exception {
        assumeTrue("the real image tests need root (debootstrap, chown)", "root".equals(System.getProperty("user.name")));
        Path script = Path.of("../../testbed/build-test-image.sh").toAbsolutePath().normalize();
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        System.out.print(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue("build-test-image.sh took too long", p.waitFor(15, TimeUnit.MINUTES));
        assertEquals("build-test-image.sh failed", 0, p.exitValue());
        String cache = System.getenv().getOrDefault("LXCAT_TESTBED_CACHE", System.getProperty("user.home") + "/.cache/lxcatastrophe-testbed");
        server = Path.of(cache, "server");
        arch = run("dpkg", "--print-architecture").trim();
        work = Files.createTempDirectory("image-real-");
    }

    @AfterClass
    public static void cleanUp() throws Exception {
        if (work != null) {
            run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    @After
    public void stopServer() {
        if (http != null) {
            http.close();
        }
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(String.join(" ", cmd), p.waitFor(10, TimeUnit.MINUTES));
        assertEquals(String.join(" ", cmd) + ": " + out, 0, p.exitValue());
        return out;
    }

    private ImageRef ref() {
        return new ImageRef("debian", "bookworm", arch, "default");
    }

    @Test
    public void lxcIndexOverHttpWithABrokenTransferThenTheSameTreeAsGnuTar() throws Exception {
        http = new TestServer(server);
        // the first transfer of the rootfs breaks after 5 MB: the download resumes with a Range request
        http.cutOnceAfter.put("/default/20261201_00:00/rootfs.tar.xz", 5L << 20);
        Path cache = work.resolve("cache-http");
        ImageServiceImpl s = TestImages.service(http.uri(), cache, "image.protocol", "lxc", "dist.arch", arch);
        List<ImageBuild> list = s.list();
        assertTrue(list.toString(), list.stream().anyMatch(b -> b.ref().equals(ref()) && b.buildId().equals("20261201_00:00")));
        CachedImage c = s.fetch(ref(), FetchOptions.DEFAULT);
        assertTrue(c.downloaded());
        assertEquals(1, http.ranged.get());
        Path built = server.resolve("images/debian/bookworm/" + arch + "/default/20261201_00:00");
        assertEquals(Verifier.sha256(built.resolve("rootfs.tar.xz")), Verifier.sha256(c.rootfs()));

        Path dir = work.resolve("c-http");
        ExtractedImage x = s.extract(c, dir, "real1", IDS);
        Path rootfs = x.rootfs();
        assertEquals("real1\n", Files.readString(rootfs.resolve("etc/hostname")));
        assertTrue(Files.readString(rootfs.resolve("etc/hosts")).contains("127.0.1.1\treal1\n"));
        assertTrue(x.lxcConfig().toString(), x.lxcConfig().contains("lxc.include = /usr/share/lxc/config/debian.userns.conf"));

        // the reference: GNU tar as root, numeric owners, every xattr
        Path ref = Files.createDirectories(work.resolve("gnu-tar"));
        run("tar", "-C", ref.toString(), "--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpJf", c.rootfs().toString());
        Map<String, String> want = describe(ref, IDS.base(), List.of("etc/hostname", "etc/hosts"));
        Map<String, String> got = describe(rootfs, 0, List.of("etc/hostname", "etc/hosts"));
        assertTrue("the image has no entries?", want.size() > 5000);
        List<String> diffs = new ArrayList<>();
        for (String k : new TreeSet<>(want.keySet())) {
            if (!want.get(k).equals(got.get(k))) {
                diffs.add(k + "\n  gnu tar: " + want.get(k) + "\n  bundle:  " + got.get(k));
            }
        }
        for (String k : got.keySet()) {
            if (!want.containsKey(k)) {
                diffs.add(k + " only in the bundle's tree: " + got.get(k));
            }
        }
        assertEquals(String.join("\n", diffs.subList(0, Math.min(20, diffs.size()))), 0, diffs.size());
        assertEquals("hard link groups", hardlinks(ref), hardlinks(rootfs));
        // the special bits and file capabilities survived (ping keeps cap_net_raw in the container)
        assertEquals(04755, (int) Files.getAttribute(rootfs.resolve("usr/bin/passwd"), "unix:mode") & 07777);
        assertTrue(xattrs(rootfs).get("usr/bin/ping").contains("security.capability=0x01000003"));
    }

    @Test
    public void simplestreamsFromAFileMirror() throws Exception {
        Path cache = work.resolve("cache-file");
        ImageServiceImpl s = TestImages.service(server.toUri(), cache, "image.protocol", "simplestreams", "dist.arch", arch);
        CachedImage c = s.fetch(ref(), FetchOptions.DEFAULT);
        assertTrue(c.downloaded());
        assertEquals("simplestreams\n", Files.readString(c.directory().resolve("protocol")));
        assertTrue(Files.isRegularFile(c.directory().resolve("incus.tar.xz")));
        assertTrue(!s.fetch(ref(), FetchOptions.DEFAULT).downloaded());
        ExtractedImage x = s.extract(c, work.resolve("c-file"), "mirror1", IDS);
        assertEquals("mirror1\n", Files.readString(x.rootfs().resolve("etc/hostname")));
        assertTrue(Files.readString(x.rootfs().resolve("etc/hosts")).contains("mirror1"));
        assertEquals(100000, Files.getAttribute(x.rootfs().resolve("etc/shadow"), "unix:uid"));
        assertEquals(100042, Files.getAttribute(x.rootfs().resolve("etc/shadow"), "unix:gid"));
        assertTrue(x.lxcConfig().toString(), x.lxcConfig().get(x.lxcConfig().size() - 1).startsWith("lxc.arch = "));
        // auto picks the LXC index when the server has both
        assertEquals("lxc", TestImages.service(server.toUri(), work.resolve("cache-auto"), "dist.arch", arch).list().get(0).protocol());
    }

    /** Path to "type mode uid:gid mtime size hash-or-target xattrs"; devices and fifos left out, owners shifted by {@code shift}. */
    static Map<String, String> describe(Path root, long shift, List<String> templated) throws Exception {
        Map<String, String> xattrs = xattrs(root);
        Map<String, String> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                add(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                add(f);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p) throws IOException {
                String rel = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,size", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                int type = mode & 0170000;
                if (type == 0020000 || type == 0060000 || type == 0010000) {
                    return;
                }
                boolean link = type == 0120000;
                boolean dir = type == 0040000;
                StringBuilder sb = new StringBuilder(link ? "l" : dir ? "d" : "f");
                sb.append(' ').append(Integer.toOctalString(mode & 07777)).append(' ')
                        .append((Integer) a.get("uid") + shift).append(':').append((Integer) a.get("gid") + shift);
                java.time.Instant t = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant();
                boolean parentOfTemplate = templated.stream().anyMatch(x -> Path.of(x).getParent().toString().equals(rel));
                if (!templated.contains(rel) && !parentOfTemplate) {
                    // symlink times are set with microseconds (lutimes) by the JDK
                    sb.append(' ').append(link ? t.truncatedTo(ChronoUnit.MICROS) : t);
                }
                if (link) {
                    sb.append(" -> ").append(Files.readSymbolicLink(p));
                } else if (!dir && !templated.contains(rel)) {
                    sb.append(' ').append(a.get("size")).append(' ').append(Verifier.sha256(p));
                }
                String x = xattrs.get(rel);
                if (x != null) {
                    sb.append(" xattrs[").append(shift == 0 ? x : shiftXattrs(x, shift)).append(']');
                }
                out.put(rel.isEmpty() ? "." : rel, sb.toString());
            }
        });
        return out;
    }

    /** getfattr's view of every file: relative path to sorted "name=0xhex" list. */
    static Map<String, String> xattrs(Path root) throws Exception {
        String dump = run("getfattr", "-R", "-P", "-h", "-d", "-m", "-", "-e", "hex", "--absolute-names", root.toString());
        Map<String, String> out = new TreeMap<>();
        String file = null;
        TreeSet<String> vals = new TreeSet<>();
        for (String line : (dump + "\n").split("\n")) {
            if (line.startsWith("# file: ")) {
                file = root.relativize(Path.of(unescape(line.substring(8)))).toString();
                vals = new TreeSet<>();
            } else if (line.isEmpty() && file != null) {
                out.put(file, String.join(",", vals));
                file = null;
            } else if (file != null) {
                vals.add(line);
            }
        }
        return out;
    }

    private static String unescape(String s) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 3 < in.length + 0 && Character.isDigit(in[i + 1])) {
                b.write(Integer.parseInt(new String(in, i + 1, 3, StandardCharsets.US_ASCII), 8));
                i += 3;
            } else {
                b.write(in[i]);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /**
     * What the kernel stores when tar runs inside the user namespace: a v2 capability becomes v3 with the namespace's
     * root as root id, named ACL entries get host ids. Restated here independently of the bundle's code.
     */
    static String shiftXattrs(String list, long base) {
        List<String> out = new ArrayList<>();
        for (String kv : list.split(",")) {
            int eq = kv.indexOf('=');
            String name = kv.substring(0, eq);
            byte[] v = HexFormat.of().parseHex(kv.substring(eq + 3));
            if (name.equals("security.capability") && v.length == 20 && v[3] == 2) {
                byte[] w = java.util.Arrays.copyOf(v, 24);
                w[3] = 3;
                java.nio.ByteBuffer.wrap(w, 20, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) base);
                v = w;
            } else if (name.startsWith("system.posix_acl_")) {
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(v).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int off = 4; off + 8 <= v.length; off += 8) {
                    int tag = bb.getShort(off);
                    if (tag == 2 || tag == 8) {
                        bb.putInt(off + 4, (int) (bb.getInt(off + 4) + base));
                    }
                }
            }
            out.add(name + "=0x" + HexFormat.of().formatHex(v));
        }
        return String.join(",", out);
    }

    static TreeSet<String> hardlinks(Path root) throws IOException {
        Map<Object, TreeSet<String>> byInode = new java.util.HashMap<>();
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
                    byInode.computeIfAbsent(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS), k -> new TreeSet<>())
                            .add(root.relativize(p).toString());
                }
            }
        }
        TreeSet<String> groups = new TreeSet<>();
        byInode.values().forEach(g -> groups.add(g.toString()));
        return groups;
    }
}
