package org.lxcatastrophe.distro.debian;

import java.io.IOException;
import java.util.ArrayList;
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
 * Debian, every release. The images-server images use systemd-networkd ({@code /etc/systemd/network/eth0.network});
 * images that configure their interfaces with ifupdown (and ship {@code ifup}) keep ifupdown, statically.
 */
@Component(service = DistroAdapter.class)
public class DebianAdapter implements DistroAdapter {
    private static final Logger LOG = Logger.getLogger(DebianAdapter.class.getName());

    @Reference
    NetworkRenderer renderer;

    @Override
    public String name() {
        return "debian";
    }

    @Override
    public String description() {
        return "Debian (systemd-networkd, or ifupdown when the image configures eth* with it)";
    }

    @Override
    public Optional<DistroMatch> recognise(OsRelease os, RootfsView rootfs) throws IOException {
        String format = usesIfupdown(rootfs) ? "ifupdown" : "systemd-networkd";
        if (os.id().equals("debian")) {
            return Optional.of(new DistroMatch(100, "ID=debian VERSION_ID=" + os.versionId() + ", " + format));
        }
        if (os.idLike().contains("debian") && !os.is("ubuntu")) {
            return Optional.of(new DistroMatch(50, "ID_LIKE=debian (ID=" + os.id() + "), " + format));
        }
        return Optional.empty();
    }

    /** Whether the image brings up an eth* interface with ifupdown and has {@code ifup} to do it. */
    static boolean usesIfupdown(RootfsView rootfs) throws IOException {
        boolean ifup = rootfs.exists("/sbin/ifup") || rootfs.exists("/usr/sbin/ifup");
        if (!ifup) {
            return false;
        }
        List<String> files = new ArrayList<>();
        rootfs.read("/etc/network/interfaces").ifPresent(files::add);
        for (String name : rootfs.list("/etc/network/interfaces.d")) {
            rootfs.read("/etc/network/interfaces.d/" + name).ifPresent(files::add);
        }
        return files.stream().flatMap(String::lines).map(String::strip)
                .anyMatch(l -> l.matches("iface\\s+(eth|en)\\S*\\s+inet6?\\s+\\S+.*"));
    }

    @Override
    public void applyNetwork(NetworkPlan plan, RootfsWriter rootfs) throws IOException {
        if (usesIfupdown(rootfs)) {
            RootfsFiles.writeAll(rootfs, renderer.render(NetworkFormat.IFUPDOWN, plan));
            // interfaces.d snippets for our interfaces would configure them a second time (DHCP)
            RootfsFiles.removeConfigsFor(rootfs, plan, "/etc/network/interfaces.d", "", List.of());
            for (InterfacePlan i : plan.interfaces()) {
                rootfs.delete("/etc/systemd/network/" + i.name() + ".network");
            }
            RootfsFiles.writeResolvConf(rootfs, renderer.render(NetworkFormat.RESOLV_CONF, plan), false);
            LOG.info("debian: static ifupdown configuration for " + names(plan));
        } else {
            List<RenderedFile> files = renderer.render(NetworkFormat.NETWORKD, plan);
            RootfsFiles.removeConfigsFor(rootfs, plan, "/etc/systemd/network", ".network",
                    files.stream().map(RenderedFile::path).toList());
            RootfsFiles.writeAll(rootfs, files);
            RootfsFiles.enableNetworkd(rootfs);
            RootfsFiles.writeResolvConf(rootfs, renderer.render(NetworkFormat.RESOLV_CONF, plan), true);
            LOG.info("debian: static systemd-networkd configuration for " + names(plan));
        }
    }

    private static String names(NetworkPlan plan) {
        return String.join(", ", plan.interfaces().stream().map(InterfacePlan::name).toList());
    }
}
