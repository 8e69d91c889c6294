package org.lxcatastrophe.distro.suse;

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

/** The suse adapter writing through the real rootfs writer, compared with golden trees. */
public class SuseAdapterTest {
    private static final long BASE = 300000;

    private static SuseAdapter adapter() {
        SuseAdapter a = new SuseAdapter();
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
    public void recognisesSuse() throws Exception {
        try (FakeImage image = new FakeImage()) {
            assertEquals(100, rank("opensuse-leap", "suse opensuse", "15.6", image));
            assertEquals(100, rank("opensuse-tumbleweed", "opensuse suse", "20241201", image));
            assertEquals(100, rank("sles", "suse", "15.5", image));
            assertEquals(0, rank("fedora", "", "40", image));
        }
    }

    @Test
    public void leap_wickedAndNetconfig() throws Exception {
        try (FakeImage image = new FakeImage()) {
            image.file("/etc/sysconfig/network/ifcfg-eth0", "STARTMODE=auto\nBOOTPROTO=dhcp\n")
                    .file("/etc/sysconfig/network/config", "NETCONFIG_DNS_POLICY=\"auto\"\nNETCONFIG_DNS_STATIC_SERVERS=\"\"\n")
                    .file("/usr/lib/systemd/system/wicked.service", "[Unit]\n");
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertTrue(tree, tree.contains("NETCONFIG_DNS_STATIC_SERVERS=\"169.254.53.1\""));
            assertFalse(tree, tree.contains("dhcp"));
            assertEquals(FakeImage.golden("opensuse-wicked", tree), tree);
        }
    }

}
