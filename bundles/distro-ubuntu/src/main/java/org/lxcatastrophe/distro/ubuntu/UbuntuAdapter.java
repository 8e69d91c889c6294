package org.lxcatastrophe.distro.ubuntu;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

import org.lxcatastrophe.api.distro.DistroAdapter;
import org.lxcatastrophe.api.distro.DistroMatch;
import org.lxcatastrophe.api.distro.NetworkFormat;
import org.lxcatastrophe.api.distro.NetworkRenderer;
import org.lxcatastrophe.api.distro.OsRelease;
import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.lxcatastrophe.distro.common.RootfsFiles;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Ubuntu and Mint, and any other image whose network is configured by netplan (netplan installed and
 * {@code /etc/netplan/*.yaml} present): {@code /etc/netplan/10-lxc.yaml} with mode 0600, rendered by networkd.
 */
@Component(service = DistroAdapter.class)
public class UbuntuAdapter implements DistroAdapter {
    private static final Logger LOG = Logger.getLogger(UbuntuAdapter.class.getName());

    @Reference
    NetworkRenderer renderer;

    @Override
    public String name() {
        return "ubuntu";
    }

    @Override
    public String description() {
        return "Ubuntu, Mint and netplan-configured images (netplan /etc/netplan/10-lxc.yaml, networkd)";
    }

    static boolean netplanConfigured(RootfsView rootfs) throws IOException {
        boolean netplan = rootfs.exists("/usr/sbin/netplan") || rootfs.exists("/usr/bin/netplan")
                || rootfs.exists("/sbin/netplan");
        return netplan && rootfs.list("/etc/netplan").stream().anyMatch(n -> n.endsWith(".yaml"));
    }

    @Override
    public Optional<DistroMatch> recognise(OsRelease os, RootfsView rootfs) throws IOException {
        if (os.id().equals("ubuntu") || os.id().equals("linuxmint")) {
            return Optional.of(new DistroMatch(100, "ID=" + os.id() + " VERSION_ID=" + os.versionId() + ", netplan"));
        }
        if (netplanConfigured(rootfs)) {
            // above the family adapters' exact-ID rank: the image chose netplan, whatever its ID
            return Optional.of(new DistroMatch(110, "netplan installed and /etc/netplan configured (ID=" + os.id() + ")"));
        }
        if (os.idLike().contains("ubuntu")) {
            return Optional.of(new DistroMatch(50, "ID_LIKE=ubuntu (ID=" + os.id() + "), netplan"));
        }
        return Optional.empty();
    }

    @Override
    public void applyNetwork(NetworkPlan plan, RootfsWriter rootfs) throws IOException {
        List<RenderedFile> files = renderer.render(NetworkFormat.NETPLAN, plan);
        RootfsFiles.removeConfigsFor(rootfs, plan, "/etc/netplan", ".yaml", files.stream().map(RenderedFile::path).toList());
        RootfsFiles.writeAll(rootfs, files);
        RootfsFiles.enableNetworkd(rootfs);
        RootfsFiles.writeResolvConf(rootfs, renderer.render(NetworkFormat.RESOLV_CONF, plan), true);
        LOG.info("ubuntu: static netplan configuration for "
                + String.join(", ", plan.interfaces().stream().map(InterfacePlan::name).toList()));
    }
}
