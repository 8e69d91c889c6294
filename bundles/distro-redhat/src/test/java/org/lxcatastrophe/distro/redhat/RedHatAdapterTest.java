package org.lxcatastrophe.distro.redhat;

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

/** The redhat adapter writing through the real rootfs writer, compared with golden trees. */
public class RedHatAdapterTest {
    private static final long BASE = 300000;

    private static RedHatAdapter adapter() {
        RedHatAdapter a = new RedHatAdapter();
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
    public void recognisesByIdAndVersion() throws Exception {
        try (FakeImage image = new FakeImage()) {
            assertEquals(100, rank("centos", "rhel fedora", "7", image));
            assertEquals(100, rank("rocky", "rhel centos fedora", "8.10", image));
            assertEquals(100, rank("almalinux", "rhel centos fedora", "9.4", image));
            assertEquals(100, rank("ol", "fedora", "8.9", image));
            assertEquals(50, rank("springdale", "rhel", "8", image));
            assertEquals(0, rank("fedora", "", "40", image));
            assertEquals("ID=centos VERSION_ID=9, NetworkManager keyfile", adapter()
                    .recognise(FakeImage.os("centos", "rhel fedora", "9"), view(image)).orElseThrow().reason());
            assertEquals("ID=centos VERSION_ID=7, ifcfg", adapter()
                    .recognise(FakeImage.os("centos", "rhel fedora", "7"), view(image)).orElseThrow().reason());
        }
    }

    @Test
    public void centos7_ifcfgWithGateway() throws Exception {
        try (FakeImage image = new FakeImage()) {
            image.file("/etc/os-release", "NAME=\"CentOS Linux\"\nID=\"centos\"\nVERSION_ID=\"7\"\n")
                    .file("/etc/sysconfig/network-scripts/ifcfg-eth0", "DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n")
                    .file("/etc/sysconfig/network", "NETWORKING=yes\nHOSTNAME=LXC_NAME\n");
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertTrue(tree, tree.contains("  | GATEWAY=172.18.0.1"));
            assertFalse(tree, tree.contains("BOOTPROTO=dhcp"));
            assertEquals(FakeImage.golden("centos7-ifcfg", tree), tree);
        }
    }

    @Test
    public void rocky9_keyfile0600_dhcpIfcfgRemoved() throws Exception {
        try (FakeImage image = new FakeImage()) {
            image.file("/etc/os-release", "ID=\"rocky\"\nVERSION_ID=\"9.4\"\n")
                    .file("/etc/sysconfig/network-scripts/ifcfg-eth0", "DEVICE=eth0\nBOOTPROTO=dhcp\n")
                    .file("/usr/lib/systemd/system/NetworkManager.service", "[Unit]\n");
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertTrue(tree, tree.contains("f /etc/NetworkManager/system-connections/eth0.nmconnection 0600 c0:c0"));
            assertFalse(tree, tree.contains("ifcfg-eth0"));
            assertEquals(FakeImage.golden("rocky9-keyfile", tree), tree);
        }
    }

}
