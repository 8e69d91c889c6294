package org.lxcatastrophe.distro.alpine;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

import org.lxcatastrophe.api.distro.DistroAdapter;
import org.lxcatastrophe.api.distro.DistroMatch;
import org.lxcatastrophe.api.distro.NetworkFormat;
import org.lxcatastrophe.api.distro.NetworkRenderer;
import org.lxcatastrophe.api.distro.OsRelease;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.lxcatastrophe.distro.common.RootfsFiles;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Alpine (OpenRC networking), Devuan and Kali: {@code /etc/network/interfaces} (ifupdown, ifupdown-ng or busybox
 * read it) and {@code /etc/resolv.conf}.
 */
@Component(service = DistroAdapter.class)
public class IfupdownFamilyAdapter implements DistroAdapter {
    private static final Logger LOG = Logger.getLogger(IfupdownFamilyAdapter.class.getName());
    static final List<String> IDS = List.of("alpine", "devuan", "kali");

    @Reference
    NetworkRenderer renderer;

    @Override
    public String name() {
        return "alpine";
    }

    @Override
    public String description() {
        return "Alpine, Devuan, Kali (ifupdown /etc/network/interfaces + /etc/resolv.conf)";
    }

    @Override
    public Optional<DistroMatch> recognise(OsRelease os, RootfsView rootfs) throws IOException {
        if (IDS.contains(os.id())) {
            return Optional.of(new DistroMatch(100, "ID=" + os.id() + " VERSION_ID=" + os.versionId() + ", ifupdown"));
        }
        for (String id : IDS) {
            if (os.idLike().contains(id)) {
                return Optional.of(new DistroMatch(50, "ID_LIKE=" + id + " (ID=" + os.id() + "), ifupdown"));
            }
        }
        return Optional.empty();
    }

    @Override
    public void applyNetwork(NetworkPlan plan, RootfsWriter rootfs) throws IOException {
        RootfsFiles.writeAll(rootfs, renderer.render(NetworkFormat.IFUPDOWN, plan));
        RootfsFiles.removeConfigsFor(rootfs, plan, "/etc/network/interfaces.d", "", List.of());
        RootfsFiles.writeResolvConf(rootfs, renderer.render(NetworkFormat.RESOLV_CONF, plan), false);
        // OpenRC: the networking service must be in the boot runlevel (Alpine images have it; make sure)
        if (rootfs.exists("/etc/init.d/networking") && rootfs.isDirectory("/etc/runlevels/boot")
                && !rootfs.exists("/etc/runlevels/boot/networking") && !RootfsFiles.isLink(rootfs, "/etc/runlevels/boot/networking")) {
            rootfs.symlink("/etc/runlevels/boot/networking", "/etc/init.d/networking");
        }
        // systemd-based members (Kali): networking.service brings ifupdown's interfaces up
        if (RootfsFiles.unitDir(rootfs, "networking.service") != null) {
            RootfsFiles.enableUnit(rootfs, "networking.service", "multi-user.target");
        }
        LOG.info("alpine: static ifupdown configuration for "
                + String.join(", ", plan.interfaces().stream().map(InterfacePlan::name).toList()));
    }
}
