package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;

/**
 * Hostile archives, one test per kind: each fails with an error naming the entry, and a sentinel directory next to the
 * rootfs (what an escaping entry would hit) is exactly as it was, contents, modes, owners and times.
 */
public class TarExtractorHostileTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Path outside;
    private Path target;
    private Map<String, String> before;
    private int tries;
    private static final IdRange IDS = new IdRange(100000, 65536);

    @Before
    public void setUp() throws Exception {
        Path work = tmp.getRoot().toPath();
        outside = Files.createDirectory(work.resolve("outside"));
        Files.writeString(outside.resolve("victim"), "original\n");
        Files.createDirectory(outside.resolve("sub"));
        Files.writeString(outside.resolve("sub/deep"), "deep original\n");
        target = Files.createDirectory(work.resolve("rootfs"));
        before = Trees.snapshot(work.resolve("outside"));
    }

    @After
    public void sentinelUntouched() throws Exception {
        assertEquals("something outside the rootfs changed", before, Trees.snapshot(outside));
        // nothing was created next to the rootfs either
        try (var s = Files.list(tmp.getRoot().toPath())) {
            assertEquals(Set.of("outside", "rootfs"), s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    private void refused(Tars archive, String entry, String why) throws Exception {
        try {
            Path fresh = Files.createDirectory(target.resolve("try" + (++tries)));
            new TarExtractor(IDS, Set.of()).extract(new ByteArrayInputStream(archive.tar()), fresh, "hostile.tar");
            fail("the hostile archive was extracted");
        } catch (TarExtractor.HostileArchive e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("refusing the image archive: entry '" + entry + "' "));
            assertTrue(e.getMessage(), e.getMessage().contains(why));
            assertTrue(e.getMessage(), e.getMessage().endsWith("the archive is broken or hostile, nothing was installed"));
        }
    }

    @Test
    public void dotDotNames() throws Exception {
        refused(new Tars().dir("./").file("../outside/victim", "pwned"), "../outside/victim", "has '..' in its name");
        refused(new Tars().dir("etc").file("etc/../../outside/victim", "pwned"), "etc/../../outside/victim", "has '..' in its name");
    }

    @Test
    public void absoluteNames() throws Exception {
        String abs = outside.resolve("victim").toString();
        refused(new Tars().file(abs, "pwned"), abs, "has an absolute name");
        refused(new Tars().dir(outside.toString(), 0777, 0, 0), outside + "/", "has an absolute name");
    }

    @Test
    public void writingThroughAnArchiveSymlink() throws Exception {
        refused(new Tars().symlink("evil", outside.toString()).file("evil/victim", "pwned"), "evil/victim",
                "would be written through the symlink 'evil'");
        refused(new Tars().symlink("evil", "../outside").file("evil/new-file", "pwned"), "evil/new-file",
                "would be written through the symlink 'evil'");
    }

    @Test
    public void symlinkedParentDirectories() throws Exception {
        // the symlink is a parent further up: every component is checked, not only the direct parent
        refused(new Tars().dir("etc").symlink("etc/conf", "../../outside").dir("etc/conf/sub").file("etc/conf/sub/deep", "pwned"),
                "etc/conf/sub/", "would be written through the symlink 'etc/conf'");
        refused(new Tars().dir("a").symlink("a/b", "/").symlink("a/b/c", "x"), "a/b/c",
                "would be written through the symlink 'a/b'");
        // a hard link may not be created inside a symlinked directory either
        refused(new Tars().file("f", "x").symlink("d", outside.toString()).hardlink("d/victim2", "f"), "d/victim2",
                "would be written through the symlink 'd'");
    }

    @Test
    public void hardLinksToOutsidePaths() throws Exception {
        refused(new Tars().hardlink("h", "../outside/victim"), "h", "has '..' in its hard link target");
        refused(new Tars().hardlink("h", outside.resolve("victim").toString()), "h", "has an absolute hard link target");
        // a target that exists on the host but was never extracted
        refused(new Tars().hardlink("h", "etc/passwd"), "h", "is a hard link to 'etc/passwd', which is not an earlier file of the archive");
        // through an archive symlink to the outside
        refused(new Tars().symlink("s", outside.toString()).hardlink("h", "s/victim"), "h", "which is not an earlier file of the archive");
        // to a directory
        refused(new Tars().dir("d").hardlink("h", "d"), "h", "which is not an earlier file of the archive");
    }

    @Test
    public void writingBelowAFile() throws Exception {
        refused(new Tars().file("f", "x").file("f/g", "y"), "f/g", "would be written below the file 'f'");
    }

    @Test
    public void replacingADirectoryWithAFile() throws Exception {
        refused(new Tars().dir("etc").file("etc/passwd", "x").file("etc", "y"), "etc", "would replace a directory of the archive with a non-directory");
    }

    @Test
    public void laterEntriesReplaceAnArchiveSymlinkInsteadOfFollowingIt() throws Exception {
        // not hostile by itself: the second entry replaces the symlink (as tar does) and never writes or chmods through it
        new TarExtractor(IDS, Set.of()).extract(new ByteArrayInputStream(new Tars()
                .symlink("x", outside.resolve("victim").toString()).file("x", "replaced", 0600, 0, 0)
                .symlink("d", outside.toString()).dir("d", 0777, 0, 0)
                .symlink("s", "../outside/victim").hardlink("h", "s").file("h", "not through the link", 0666, 0, 0)
                .tar()), target, "t.tar");
        assertEquals("replaced", Files.readString(target.resolve("x")));
        assertFalse(Files.isSymbolicLink(target.resolve("x")));
        assertTrue(Files.isDirectory(target.resolve("d"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("../outside/victim", Files.readSymbolicLink(target.resolve("s")).toString());
        assertEquals("not through the link", Files.readString(target.resolve("h")));
    }

    @Test
    public void emptySymlinkTarget() throws Exception {
        refused(new Tars().symlink("l", ""), "l", "is a symlink with an empty or NUL target");
    }

    @Test
    public void ownersOutsideTheRange() throws Exception {
        try {
            new TarExtractor(new IdRange(100000, 1000), Set.of()).extract(new ByteArrayInputStream(
                    new Tars().file("f", "x", 0644, 1000, 0).tar()), target, "t.tar");
            fail();
        } catch (LxcatException e) {
            assertEquals("image archive entry 'f' is owned by id 1000, outside the container's 1000 ids: raise idmap.size (IDMAP_SIZE) to at least 1001",
                    e.getMessage());
        }
    }
}
