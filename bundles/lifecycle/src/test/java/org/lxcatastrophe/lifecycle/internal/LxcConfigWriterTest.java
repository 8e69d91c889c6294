package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;

public class LxcConfigWriterTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private LxcConfigWriter writer() throws Exception {
        Path templates = tmp.getRoot().toPath().resolve("config");
        Files.createDirectories(templates);
        Files.writeString(templates.resolve("debian.common.conf"), "");
        Files.writeString(templates.resolve("debian.userns.conf"), "");
        return new LxcConfigWriter(templates);
    }

    private LxcConfigWriter.Input input(List<String> image, List<String> net, boolean sysRo, boolean apparmor,
            List<String> extra) {
        return new LxcConfigWriter.Input(image, List.of("lxc.idmap = u 0 100000 65536", "lxc.idmap = g 0 100000 65536"),
                Path.of("/srv/c/web/rootfs"), "web", net, sysRo, apparmor, Path.of("/srv/c/web/console.log"),
                Path.of("/srv/c/web/lxc.log"), extra);
    }

    private static final List<String> IMAGE = List.of("lxc.include = LXC_TEMPLATE_CONFIG/debian.common.conf",
            "lxc.include = LXC_TEMPLATE_CONFIG/debian.userns.conf", "lxc.arch = amd64");

    @Test
    public void sectionsInOrderWithImageLinesFirstAndExtraLast() throws Exception {
        LxcConfigWriter w = writer();
        String c = w.render(input(IMAGE, List.of(), false, true, List.of("lxc.cgroup.memory.max = 1G")));
        List<String> lines = c.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertTrue(lines.get(0), lines.get(0).endsWith("/debian.common.conf"));
        assertTrue(lines.get(1).endsWith("/debian.userns.conf"));
        assertFalse(c.contains("LXC_TEMPLATE_CONFIG"));
        assertEquals("lxc.arch = amd64", lines.get(2));
        assertEquals("lxc.idmap = u 0 100000 65536", lines.get(3));
        assertTrue(c.contains("lxc.rootfs.path = dir:/srv/c/web/rootfs\n"));
        assertTrue(c.contains("lxc.uts.name = web\n"));
        assertTrue(c.contains("lxc.net.0.type = empty\n"));
        assertTrue(c.contains("lxc.mount.auto = proc:mixed sys:mixed cgroup:mixed\n"));
        assertFalse(c.contains("apparmor"));
        assertTrue(c.contains("lxc.console.logfile = /srv/c/web/console.log\n"));
        assertEquals("lxc.cgroup.memory.max = 1G", lines.get(lines.size() - 1));
        assertTrue(c.indexOf("lxc.idmap") < c.indexOf("lxc.rootfs") && c.indexOf("lxc.rootfs") < c.indexOf("lxc.uts")
                && c.indexOf("lxc.uts") < c.indexOf("lxc.net") && c.indexOf("lxc.net") < c.indexOf("lxc.mount")
                && c.indexOf("lxc.mount") < c.indexOf("lxc.console"));
    }

    @Test
    public void readOnlySysAndNoAppArmorAdapt() throws Exception {
        String c = writer().render(input(IMAGE, List.of(), true, false, List.of()));
        assertTrue(c.contains("lxc.mount.auto = proc:mixed sys:ro cgroup:mixed\n"));
        assertFalse(c.contains("sys:mixed"));
        assertTrue(c.contains("lxc.apparmor.profile = unconfined\nlxc.apparmor.allow_incomplete = 1\n"));
    }

    @Test
    public void networkLinesReplaceEmptyAndImageNetworkAndIdmapLinesAreDropped() throws Exception {
        List<String> image = List.of("lxc.arch = amd64", "lxc.net.0.type = veth", "lxc.idmap = u 0 1 2", "# comment", "");
        String c = writer().render(input(image, List.of("lxc.net.0.type = veth", "lxc.net.0.link = br0"), false, true,
                List.of()));
        assertFalse(c.contains("type = empty"));
        assertEquals(1, c.lines().filter(l -> l.equals("lxc.net.0.type = veth")).count());
        assertFalse(c.contains("u 0 1 2"));
        assertTrue(c.contains("lxc.net.0.link = br0\n"));
    }

    @Test
    public void invalidImageConfigIsOneClearError() throws Exception {
        try {
            writer().render(input(List.of("lxc.arch = amd64", "rm -rf /"), List.of(), false, true, List.of()));
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("invalid at line 2"));
        }
        try {
            writer().render(input(List.of("lxc.include = LXC_TEMPLATE_CONFIG/nosuch.conf"), List.of(), false, true, List.of()));
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("nosuch.conf, which does not exist"));
            // a distribution's config (debian.common.conf ...) comes with lxc-templates, not with lxc
            assertTrue(e.getMessage(), e.getMessage().contains("install the Debian package lxc-templates"));
        }
    }

    @Test
    public void extraLinesAreParsedAndValidated() throws Exception {
        assertEquals(List.of("lxc.a = 1", "lxc.b.c = x y"), LxcConfigWriter.parseExtra("lxc.a = 1; lxc.b.c = x y\n\n# c"));
        assertEquals(List.of(), LxcConfigWriter.parseExtra(""));
        try {
            LxcConfigWriter.parseExtra("lxc.a = 1\nhello");
            fail();
        } catch (ConfigurationException e) {
            assertEquals("lxc.config.extra", e.key());
            assertTrue(e.getMessage().contains("LXC_CONFIG_EXTRA"));
        }
    }
}
