package org.lxcatastrophe.distro.alpine;

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

/** The alpine adapter writing through the real rootfs writer, compared with golden trees. */
public class IfupdownFamilyAdapterTest {
    private static final long BASE = 300000;

    private static IfupdownFamilyAdapter adapter() {
        IfupdownFamilyAdapter a = new IfupdownFamilyAdapter();
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
    public void recognisesAlpineDevuanKali() throws Exception {
        try (FakeImage image = new FakeImage()) {
            assertEquals(100, rank("alpine", "", "3.20.3", image));
            assertEquals(100, rank("devuan", "debian", "5", image));
            assertEquals(100, rank("kali", "debian", "2024.3", image));
            assertEquals(0, rank("debian", "", "12", image));
        }
    }

    @Test
    public void alpineImage_interfacesResolvConfAndOpenrcNetworking() throws Exception {
        try (FakeImage image = new FakeImage()) {
            image.file("/etc/network/interfaces", "auto eth0\niface eth0 inet dhcp\n")
                    .file("/etc/init.d/networking", "#!/sbin/openrc-run\n").dir("/etc/runlevels/boot")
                    .file("/etc/resolv.conf", "nameserver 127.0.0.11\n");
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertTrue(tree, tree.contains("l /etc/runlevels/boot/networking -> /etc/init.d/networking"));
            assertFalse(tree, tree.contains("inet dhcp"));
            assertEquals(FakeImage.golden("alpine", tree), tree);
        }
    }

    @Test
    public void kaliImage_networkingServiceEnabled() throws Exception {
        try (FakeImage image = new FakeImage()) {
            image.file("/etc/network/interfaces", "auto lo\niface lo inet loopback\n")
                    .file("/etc/network/interfaces.d/eth0", "auto eth0\niface eth0 inet dhcp\n")
                    .file("/lib/systemd/system/networking.service", "[Unit]\n");
            adapter().applyNetwork(FakeImage.PLAN, writer(image));
            String tree = image.snapshot(BASE);
            assertFalse("interfaces.d/eth0 (DHCP) removed", tree.contains("interfaces.d/eth0"));
            assertEquals(FakeImage.golden("kali", tree), tree);
        }
    }

}
