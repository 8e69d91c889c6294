package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
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
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private static final ImageRef REF = new ImageRef("debian", "bookworm", "amd64", "default");
    private TestServer http;
    private Path cache;

    @Before
    public void setUp() throws Exception {
        Path server = tmp.newFolder("server").toPath();
        cache = tmp.getRoot().toPath().resolve("cache");
        TestImages.build(server);
        http = new TestServer(server);
    }

    @After
    public void tearDown() {
        http.close();
    }

    @Test
    public void leftoversOfAKilledExtractionAreRemoved() throws Exception {
        assumeTrue("chown to shifted ids needs root", "root".equals(System.getProperty("user.name")));
        ImageServiceImpl s = TestImages.service(http.uri(), cache);
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
}
