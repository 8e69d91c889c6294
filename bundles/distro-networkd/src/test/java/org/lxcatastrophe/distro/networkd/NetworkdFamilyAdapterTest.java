package org.lxcatastrophe.distro.networkd;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;

import org.junit.Test;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.lxcatastrophe.distro.common.testing.FakeImage;
import org.lxcatastrophe.network.render.SharedNetworkRenderer;
import org.lxcatastrophe.rootfs.internal.RootfsServiceImpl;

/** The networkd adapter writing through the real rootfs writer, compared with golden trees. */
public class NetworkdFamilyAdapterTest {
    private static final long BASE = 300000;

    private static NetworkdFamilyAdapter adapter() {
        NetworkdFamilyAdapter a = new NetworkdFamilyAdapter();
        a.renderer = new SharedNetworkRenderer();
        return a;
    }

    private static RootfsWriter writer(FakeImage image) {
        return new RootfsServiceImpl().writer(image.root, new IdRange(BASE, 65536));
    }

    private static RootfsView view(FakeImage image) {
        return new RootfsServiceImpl().view(image.root);
    }

    private static int rank(String id, String like, String version, FakeImage image) throws Exception {
        return adapter().recognise(FakeImage.os(id, like, version), view(image)).map(m -> m.rank()).orElse(0);
    }

    @Test
    public void recognisesFedoraArchAmazon() throws Exception {
        try (FakeImage image = new FakeImage()) {
            assertEquals(100, rank("fedora", "", "41", image));
            assertEquals(100, rank("arch", "", "", image));
            assertEquals(100, rank("amzn", "fedora", "2023", image));
            assertEquals(50, rank("manjaro", "arch", "", image));
            assertEquals(0, rank("rocky", "rhel centos fedora", "9", image));
        }
    }

    @Test
    public void arch_networkdWithResolved() throws Exception {
        try (FakeImage image = new FakeImage()) {
            image.file("/usr/lib/systemd/system/systemd-networkd.service", "[Unit]\n")
                    .file("/usr/lib/systemd/system/systemd-resolved.service", "[Unit]\n")
                    .file("/etc/systemd/network/eth0.network", "[Match]\nName=eth0\n[Network]\nDHCP=yes\n")
                    .file("/etc/systemd/network/lo.network", "[Match]\nName=lo\n")
                    .link("/etc/systemd/system/multi-user.target.wants/systemd-resolved.service",
                            "/usr/lib/systemd/system/systemd-resolved.service")
                    .link("/etc/resolv.conf", "/run/systemd/resolve/stub-resolv.conf");
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertFalse(tree, tree.contains("DHCP=yes"));
            assertTrue(tree, tree.contains("l /etc/resolv.conf -> /run/systemd/resolve/stub-resolv.conf"));
            assertEquals(FakeImage.golden("arch-networkd", tree), tree);
        }
    }

    @Test
    public void imageWithoutNetworkdIsAClearError() throws Exception {
        try (FakeImage image = new FakeImage()) {
            try {
                adapter().applyNetwork(FakeImage.PLAN, writer(image));
                org.junit.Assert.fail();
            } catch (java.io.IOException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("the image has no systemd-networkd.service"));
            }
        }
    }

}
