package org.lxcatastrophe.distro.ubuntu;

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

/** The ubuntu adapter writing through the real rootfs writer, compared with golden trees. */
public class UbuntuAdapterTest {
    private static final long BASE = 300000;

    private static UbuntuAdapter adapter() {
        UbuntuAdapter a = new UbuntuAdapter();
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
    public void recognisesUbuntuMintAndNetplanImages() throws Exception {
        try (FakeImage plain = new FakeImage(); FakeImage netplan = new FakeImage()) {
            netplan.file("/usr/sbin/netplan", "").file("/etc/netplan/10-lxc.yaml", "network: {}\n");
            assertEquals(100, rank("ubuntu", "debian", "24.04", plain));
            assertEquals(100, rank("linuxmint", "ubuntu debian", "22", plain));
            assertEquals(50, rank("pop", "ubuntu debian", "22.04", plain));
            assertEquals(0, rank("debian", "", "12", plain));
            // Debian with netplan.io: the netplan adapter outranks the Debian one (100)
            assertEquals(110, rank("debian", "", "12", netplan));
        }
    }

    @Test
    public void ubuntuImage_netplan0600_otherYamlRemoved_resolvedKept() throws Exception {
        try (FakeImage image = new FakeImage()) {
            image.file("/usr/sbin/netplan", "")
                    .file("/etc/netplan/50-cloud-init.yaml", "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n")
                    .file("/etc/netplan/90-other.yaml", "network:\n  version: 2\n  bridges: {}\n")
                    .file("/usr/lib/systemd/system/systemd-networkd.service", "[Unit]\n")
                    .file("/usr/lib/systemd/system/systemd-resolved.service", "[Unit]\n")
                    .link("/etc/systemd/system/multi-user.target.wants/systemd-resolved.service",
                            "/usr/lib/systemd/system/systemd-resolved.service")
                    .link("/etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf");
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertTrue(tree, tree.contains("f /etc/netplan/10-lxc.yaml 0600 c0:c0"));
            assertFalse("the image DHCP yaml is gone", tree.contains("50-cloud-init"));
            assertTrue("unrelated yaml stays", tree.contains("90-other.yaml"));
            assertTrue("resolved keeps resolv.conf", tree.contains("l /etc/resolv.conf -> ../run/systemd/resolve/stub-resolv.conf"));
            assertEquals(FakeImage.golden("ubuntu-netplan", tree), tree);
        }
    }

    @Test
    public void debianNetplanImage_resolvConfWritten() throws Exception {
        try (FakeImage image = new FakeImage()) {
            image.file("/usr/sbin/netplan", "")
                    .file("/etc/netplan/10-lxc.yaml", "network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n")
                    .file("/lib/systemd/system/systemd-networkd.service", "[Unit]\n")
                    .file("/etc/resolv.conf", "nameserver 127.0.0.11\n");
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertFalse(tree, tree.contains("dhcp4: true"));
            assertFalse(tree, tree.contains("127.0.0.11"));
            assertEquals(FakeImage.golden("debian-netplan", tree), tree);
        }
    }

}
