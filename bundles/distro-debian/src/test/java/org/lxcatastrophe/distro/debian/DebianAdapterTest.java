package org.lxcatastrophe.distro.debian;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Test;
import org.lxcatastrophe.api.distro.DistroMatch;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.lxcatastrophe.distro.common.testing.FakeImage;
import org.lxcatastrophe.network.render.SharedNetworkRenderer;
import org.lxcatastrophe.rootfs.internal.RootfsServiceImpl;

/** The Debian adapter writing through the real rootfs writer, compared with golden trees. */
public class DebianAdapterTest {
    private static final long BASE = 300000;

    private static DebianAdapter adapter() {
        DebianAdapter a = new DebianAdapter();
        a.renderer = new SharedNetworkRenderer();
        return a;
    }

    private static RootfsWriter writer(FakeImage image) {
        return new RootfsServiceImpl().writer(image.root, new IdRange(BASE, 65536));
    }

    /** The images-server layout: networkd with a DHCP eth0.network, resolv.conf pointing at resolved's stub. */
    private static FakeImage networkdImage() throws Exception {
        return new FakeImage().file("/lib/systemd/system/systemd-networkd.service", "[Unit]\n")
                .file("/lib/systemd/system/systemd-networkd.socket", "[Unit]\n")
                .file("/lib/systemd/system/systemd-networkd-wait-online.service", "[Unit]\n")
                .file("/etc/systemd/network/eth0.network", "[Match]\nName=eth0\n\n[Network]\nDHCP=true\n")
                .file("/etc/network/interfaces", "auto lo\niface lo inet loopback\n")
                .link("/etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf");
    }

    /** The testbed's debootstrap image: ifupdown with DHCP on eth0. */
    private static FakeImage ifupdownImage() throws Exception {
        return new FakeImage().file("/sbin/ifup", "#!/bin/sh\n")
                .file("/lib/systemd/system/systemd-networkd.service", "[Unit]\n")
                .file("/etc/network/interfaces", "auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n")
                .file("/etc/resolv.conf", "nameserver 10.255.255.53\n");
    }

    @Test
    public void recognisesDebianAndDerivatives() throws Exception {
        try (FakeImage image = networkdImage()) {
            var view = new RootfsServiceImpl().view(image.root);
            DistroMatch m = adapter().recognise(FakeImage.os("debian", "", "12"), view).orElseThrow();
            assertEquals(100, m.rank());
            assertEquals("ID=debian VERSION_ID=12, systemd-networkd", m.reason());
            assertEquals(50, adapter().recognise(FakeImage.os("raspbian", "debian", "12"), view).orElseThrow().rank());
            assertFalse(adapter().recognise(FakeImage.os("ubuntu", "debian", "24.04"), view).isPresent());
            assertFalse(adapter().recognise(FakeImage.os("linuxmint", "ubuntu debian", "22"), view).isPresent());
            assertFalse(adapter().recognise(FakeImage.os("fedora", "", "40"), view).isPresent());
        }
        try (FakeImage image = ifupdownImage()) {
            assertEquals("ID=debian VERSION_ID=12, ifupdown", adapter()
                    .recognise(FakeImage.os("debian", "", "12"), new RootfsServiceImpl().view(image.root))
                    .orElseThrow().reason());
        }
    }

    @Test
    public void networkdImage_staticNetworkdEnabledAndResolvConfReplaced() throws Exception {
        try (FakeImage image = networkdImage()) {
            Path outside = Files.createTempFile("network-outside-", ".conf");
            // a hostile absolute symlink must not lead the write outside the rootfs
            image.link("/etc/resolv.conf", outside.toString());
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            assertEquals("", Files.readString(outside));
            Files.delete(outside);
            String tree = image.snapshot(BASE);
            assertTrue(tree, tree.contains("f /etc/resolv.conf 0644 c0:c0"));
            assertTrue(tree, tree.contains("f /etc/systemd/network/eth0.network 0644 c0:c0"));
            assertFalse(tree, tree.contains("DHCP=true"));
            assertEquals(FakeImage.golden("debian-networkd", tree), tree);
        }
    }

    @Test
    public void ifupdownImage_staticIfupdown() throws Exception {
        try (FakeImage image = ifupdownImage()) {
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertFalse(tree, tree.contains("inet dhcp"));
            assertFalse("networkd is not enabled when ifupdown configures the image",
                    tree.contains("systemd-networkd.service ->"));
            assertEquals(FakeImage.golden("debian-ifupdown", tree), tree);
        }
    }
}
