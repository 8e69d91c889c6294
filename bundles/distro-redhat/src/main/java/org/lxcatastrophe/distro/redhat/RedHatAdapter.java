package org.lxcatastrophe.distro.redhat;

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
 * The Red Hat family. Up to release 8 (CentOS 7, Rocky/Alma/Oracle/RHEL 8) the images use initscripts
 * {@code ifcfg-eth0} (GATEWAY included); from 9 (CentOS Stream 9+, Rocky/Alma/Oracle 9+) NetworkManager keyfiles
 * ({@code 0600}, owned by the container's root). An image that ships keyfiles but no ifcfg gets keyfiles anyway.
 */
@Component(service = DistroAdapter.class)
public class RedHatAdapter implements DistroAdapter {
    private static final Logger LOG = Logger.getLogger(RedHatAdapter.class.getName());
    static final List<String> IDS = List.of("centos", "rocky", "almalinux", "ol", "rhel", "scientific", "eurolinux",
            "navylinux", "circle");

    @Reference
    NetworkRenderer renderer;

    @Override
    public String name() {
        return "redhat";
    }

    @Override
    public String description() {
        return "CentOS 7, Rocky/Alma/Oracle 8 (ifcfg); CentOS Stream 9+, Rocky/Alma/Oracle 9+ (NetworkManager keyfile)";
    }

    static NetworkFormat format(OsRelease os, RootfsView rootfs) throws IOException {
        int major = os.majorVersion();
        if (major > 0) {
            return major >= 9 ? NetworkFormat.NM_KEYFILE : NetworkFormat.IFCFG;
        }
        // no usable VERSION_ID: follow what the image ships
        boolean ifcfg = rootfs.list("/etc/sysconfig/network-scripts").stream().anyMatch(n -> n.startsWith("ifcfg-e"));
        return ifcfg ? NetworkFormat.IFCFG : NetworkFormat.NM_KEYFILE;
    }

    @Override
    public Optional<DistroMatch> recognise(OsRelease os, RootfsView rootfs) throws IOException {
        if (IDS.contains(os.id())) {
            return Optional.of(new DistroMatch(100, "ID=" + os.id() + " VERSION_ID=" + os.versionId() + ", "
                    + label(format(os, rootfs))));
        }
        if (os.idLike().contains("rhel") || os.idLike().contains("centos")) {
            return Optional.of(new DistroMatch(50, "ID_LIKE=rhel (ID=" + os.id() + "), " + label(format(os, rootfs))));
        }
        return Optional.empty();
    }

    private static String label(NetworkFormat f) {
        return f == NetworkFormat.IFCFG ? "ifcfg" : "NetworkManager keyfile";
    }

    /** The format chosen at {@link #recognise}; the lifecycle does not pass the OsRelease to applyNetwork. */
    private static NetworkFormat format(RootfsWriter rootfs) throws IOException {
        String text = rootfs.read("/etc/os-release").or(() -> readQuietly(rootfs, "/usr/lib/os-release")).orElse("");
        String version = "";
        for (String line : text.split("\n")) {
            if (line.startsWith("VERSION_ID=")) {
                version = line.substring(11).replace("\"", "").replace("'", "").strip();
            }
        }
        String major = version.split("\\.", 2)[0];
        if (major.matches("\\d+")) {
            return Integer.parseInt(major) >= 9 ? NetworkFormat.NM_KEYFILE : NetworkFormat.IFCFG;
        }
        boolean ifcfg = rootfs.list("/etc/sysconfig/network-scripts").stream().anyMatch(n -> n.startsWith("ifcfg-e"));
        return ifcfg ? NetworkFormat.IFCFG : NetworkFormat.NM_KEYFILE;
    }

    private static Optional<String> readQuietly(RootfsView rootfs, String path) {
        try {
            return rootfs.read(path);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void applyNetwork(NetworkPlan plan, RootfsWriter rootfs) throws IOException {
        NetworkFormat format = format(rootfs);
        List<RenderedFile> files = renderer.render(format, plan);
        List<String> ours = files.stream().map(RenderedFile::path).toList();
        if (format == NetworkFormat.IFCFG) {
            RootfsFiles.writeAll(rootfs, files);
            if (!rootfs.exists("/etc/sysconfig/network")) {
                RootfsFiles.writeAll(rootfs, List.of(new RenderedFile("/etc/sysconfig/network",
                        "NETWORKING=yes\n", 0644)));
            }
            RootfsFiles.removeConfigsFor(rootfs, plan, "/etc/NetworkManager/system-connections", ".nmconnection", ours);
        } else {
            RootfsFiles.removeConfigsFor(rootfs, plan, "/etc/NetworkManager/system-connections", ".nmconnection", ours);
            // NetworkManager still reads ifcfg files through ifcfg-rh: the image's DHCP ifcfg must go
            for (InterfacePlan i : plan.interfaces()) {
                rootfs.delete("/etc/sysconfig/network-scripts/ifcfg-" + i.name());
            }
            RootfsFiles.writeAll(rootfs, files);
            RootfsFiles.enableUnit(rootfs, "NetworkManager.service", "multi-user.target");
        }
        RootfsFiles.writeResolvConf(rootfs, renderer.render(NetworkFormat.RESOLV_CONF, plan), true);
        LOG.info("redhat: static " + label(format) + " configuration for "
                + String.join(", ", plan.interfaces().stream().map(InterfacePlan::name).toList()));
    }

}
