package org.lxcatastrophe.idmap.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;

public class IdmapServiceImplTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path subuid;
    private Path subgid;

    private IdmapServiceImpl service(String uidText, String gidText, String base, long size) throws Exception {
        subuid = tmp.getRoot().toPath().resolve("subuid");
        subgid = tmp.getRoot().toPath().resolve("subgid");
        Files.writeString(subuid, uidText);
        Files.writeString(subgid, gidText);
        IdmapServiceImpl s = new IdmapServiceImpl(subuid, subgid);
        s.configure(base, size);
        return s;
    }

    @Test
    public void emptyFilesGetRootAtTheFirstFreeBase() throws Exception {
        IdmapServiceImpl s = service("", "", "auto", 65536);
        IdRange r = s.ensureRange();
        assertEquals(100000, r.base());
        assertEquals(65536, r.size());
        assertEquals("root:100000:65536\n", Files.readString(subuid));
        assertEquals("root:100000:65536\n", Files.readString(subgid));
        assertEquals(List.of("lxc.idmap = u 0 100000 65536", "lxc.idmap = g 0 100000 65536"), s.lxcConfig(r));
    }

    @Test
    public void otherUsersAreSkippedAndKeptVerbatim() throws Exception {
        String uids = "# managed by someone\nalice:100000:65536\nbob:165536:65536\n";
        String gids = "alice:100000:65536\ncarol:231072:1000";   // no trailing newline
        IdmapServiceImpl s = service(uids, gids, "auto", 65536);
        IdRange r = s.ensureRange();
        assertEquals(232072, r.base());   // past bob (231072) and carol (232072) in either file
        assertEquals(uids + "root:232072:65536\n", Files.readString(subuid));
        assertEquals(gids + "\nroot:232072:65536\n", Files.readString(subgid));
    }

    @Test
    public void secondRunIsANoOp() throws Exception {
        IdmapServiceImpl s = service("alice:100000:65536\n", "alice:100000:65536\n", "auto", 65536);
        IdRange first = s.ensureRange();
        String uidsAfter = Files.readString(subuid);
        long modified = Files.getLastModifiedTime(subuid).toMillis();
        IdRange second = s.ensureRange();
        assertEquals(first, second);
        assertEquals(uidsAfter, Files.readString(subuid));
        assertEquals(modified, Files.getLastModifiedTime(subuid).toMillis());
    }

    @Test
    public void existingRootRangeIsReusedAndCompletedInTheOtherFile() throws Exception {
        IdmapServiceImpl s = service("root:300000:131072\n", "", "auto", 65536);
        IdRange r = s.ensureRange();
        assertEquals(300000, r.base());
        assertEquals("root:300000:131072\n", Files.readString(subuid));
        assertEquals("root:300000:65536\n", Files.readString(subgid));
    }

    @Test
    public void explicitBaseIsUsed() throws Exception {
        IdmapServiceImpl s = service("alice:100000:65536\n", "", "1000000", 65536);
        assertEquals(1000000, s.ensureRange().base());
        assertTrue(Files.readString(subuid).endsWith("root:1000000:65536\n"));
    }

    @Test
    public void explicitBaseOverlappingAnotherUserIsRefused() throws Exception {
        IdmapServiceImpl s = service("alice:100000:65536\n", "", "120000", 65536);
        try {
            s.ensureRange();
            fail();
        } catch (ConfigurationException e) {
            assertEquals("idmap.base", e.key());
            assertTrue(e.getMessage(), e.getMessage().contains("alice:100000:65536"));
            assertFalse(e.getMessage().contains("\n"));
        }
        assertEquals("alice:100000:65536\n", Files.readString(subuid));
        assertEquals("", Files.readString(subgid));
    }

    @Test
    public void noRoomIsOneClearError() throws Exception {
        IdmapServiceImpl s = service("everyone:1:4294967290\n", "", "auto", 65536);
        try {
            s.ensureRange();
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("no room for 65536 subordinate ids"));
        }
        assertEquals("", Files.readString(subgid));
    }

    @Test
    public void invalidConfigurationNamesTheKey() throws Exception {
        IdmapServiceImpl s = new IdmapServiceImpl(tmp.newFile().toPath(), tmp.newFile().toPath());
        try {
            s.configure("lots", 65536);
            fail();
        } catch (ConfigurationException e) {
            assertEquals("idmap.base", e.key());
            assertTrue(e.getMessage().contains("IDMAP_BASE"));
        }
        try {
            s.configure("auto", 1000);
            fail();
        } catch (ConfigurationException e) {
            assertEquals("idmap.size", e.key());
        }
        try {
            s.configure("4294967000", 65536);
            fail();
        } catch (ConfigurationException e) {
            assertEquals("idmap.base", e.key());
        }
    }

    @Test
    public void traversableAddsOnlyTheMissingExecuteBit() throws Exception {
        Path parent = tmp.newFolder("locked").toPath();
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
        Path child = Files.createDirectories(parent.resolve("containers/c1"));
        Files.setPosixFilePermissions(child.getParent(), PosixFilePermissions.fromString("rwxr-x---"));
        IdmapServiceImpl s = new IdmapServiceImpl(tmp.newFile().toPath(), tmp.newFile().toPath());
        s.ensureTraversable(child, new IdRange(100000, 65536));
        assertEquals("rwx-----x", PosixFilePermissions.toString(Files.getPosixFilePermissions(parent)));
        assertEquals("rwxr-x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(child.getParent())));
        // a second call changes nothing
        assertFalse(IdmapServiceImpl.grantTraverse(parent, 100000, 100000));
    }
}
