package org.lxcatastrophe.distro.networkd;

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
 * Fedora, Arch and Amazon Linux, whose images-server images use systemd-networkd: {@code /etc/systemd/network/eth0.network}
 * and networkd enabled. With systemd-resolved managing resolv.conf (Arch, Fedora) DNS goes through the .network file.
 */
@Component(service = DistroAdapter.class)
public class NetworkdFamilyAdapter implements DistroAdapter {
    private static final Logger LOG = Logger.getLogger(NetworkdFamilyAdapter.class.getName());
    static final List<String> IDS = List.of("fedora", "arch", "archarm", "amzn");

    @Reference
    NetworkRenderer renderer;

    @Override
    public String name() {
        return "networkd";
    }

    @Override
    public String description() {
        return "Fedora, Arch, Amazon Linux (systemd-networkd)";
    }

    @Override
    public Optional<DistroMatch> recognise(OsRelease os, RootfsView rootfs) throws IOException {
        if (IDS.contains(os.id())) {
            return Optional.of(new DistroMatch(100, "ID=" + os.id() + " VERSION_ID=" + os.versionId()
                    + ", systemd-networkd"));
        }
        if (os.idLike().contains("arch")) {
            return Optional.of(new DistroMatch(50, "ID_LIKE=arch (ID=" + os.id() + "), systemd-networkd"));
        }
        return Optional.empty();
    }

    @Override
    public void applyNetwork(NetworkPlan plan, RootfsWriter rootfs) throws IOException {
        List<RenderedFile> files = renderer.render(NetworkFormat.NETWORKD, plan);
        RootfsFiles.removeConfigsFor(rootfs, plan, "/etc/systemd/network", ".network",
                files.stream().map(RenderedFile::path).toList());
        RootfsFiles.writeAll(rootfs, files);
        RootfsFiles.enableNetworkd(rootfs);
        RootfsFiles.writeResolvConf(rootfs, renderer.render(NetworkFormat.RESOLV_CONF, plan), true);
        LOG.info("networkd: static systemd-networkd configuration for "
                + String.join(", ", plan.interfaces().stream().map(InterfacePlan::name).toList()));
    }
}
