package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageRef;

/**
 * An extraction killed midway (SIGKILL of the runtime) leaves its temporary rootfs in the container directory; the
 * next extraction removes it instead of keeping a whole rootfs on the volume for every crash.
 */
public class InterruptedExtractionTest {
    private final TemporaryFolder tmp = new TemporaryFolder();
    private final ServedImage images = new ServedImage(tmp);
    @Rule
    public final RuleChain rules = RuleChain.outerRule(tmp).around(images);
    private static final ImageRef REF = new ImageRef("debian", "bookworm", "amd64", "default");

    @Test
    public void leftoversOfAKilledExtractionAreRemoved() throws Exception {
        assumeTrue("chown to shifted ids needs root", "root".equals(System.getProperty("user.name")));
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        CachedImage c = s.fetch(REF, FetchOptions.DEFAULT);
        Path containerDir = tmp.getRoot().toPath().resolve("containers/web1");
        // what a killed extraction leaves: a half tree with shifted owners and a directory without write permission
        Path stale = containerDir.resolve(ImageServiceImpl.ROOTFS_TMP_PREFIX + "1234567");
        Files.createDirectories(stale.resolve("usr/lib/x"));
        Files.writeString(stale.resolve("usr/lib/x/half"), "half a file");
        Files.setOwner(stale.resolve("usr/lib/x/half"),
                stale.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("100000"));
        Files.setPosixFilePermissions(stale.resolve("usr/lib/x"), PosixFilePermissions.fromString("r-xr-xr-x"));
        try (TestImages.Log log = new TestImages.Log()) {
            s.extract(c, containerDir, "web1", new IdRange(100000, 65536));
            assertTrue(log.text(), log.text().contains("removed " + stale + ", left by an extraction that was interrupted"));
        }
        try (var l = Files.list(containerDir)) {
            assertEquals(List.of("rootfs"), l.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("web1\n", TestImages.read(containerDir.resolve("rootfs/etc/hostname")));
    }

    /** The caller's record is written while the rootfs does not exist yet; a failing record installs nothing. */
    @Test
    public void theCallerRecordsBeforeTheRootfsAppears() throws Exception {
        assumeTrue("chown to shifted ids needs root", "root".equals(System.getProperty("user.name")));
        ImageServiceImpl s = TestImages.service(images.http.uri(), images.cache);
        CachedImage c = s.fetch(REF, FetchOptions.DEFAULT);
        Path containerDir = tmp.getRoot().toPath().resolve("containers/web2");
        List<Boolean> rootfsSeen = new java.util.ArrayList<>();
        var x = s.extract(c, containerDir, "web2", new IdRange(100000, 65536), e -> {
            rootfsSeen.add(Files.exists(e.rootfs()));
            try {
                Files.writeString(containerDir.resolve("record"), String.join("\n", e.lxcConfig()));
            } catch (java.io.IOException io) {
                throw new org.lxcatastrophe.api.LxcatException(io.getMessage(), io);
            }
        });
        assertEquals(List.of(false), rootfsSeen);
        assertEquals(containerDir.resolve("rootfs"), x.rootfs());
        assertEquals(String.join("\n", x.lxcConfig()), Files.readString(containerDir.resolve("record")));

        Path other = tmp.getRoot().toPath().resolve("containers/web3");
        try {
            s.extract(c, other, "web3", new IdRange(100000, 65536), e -> {
                throw new org.lxcatastrophe.api.LxcatException("cannot record");
            });
            throw new AssertionError("installed without a record");
        } catch (org.lxcatastrophe.api.LxcatException e) {
            assertEquals("cannot record", e.getMessage());
        }
        try (var l = Files.list(other)) {
            assertEquals(List.of(), l.toList());
        }
    }
}
