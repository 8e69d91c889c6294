package org.lxcatastrophe.distro.suse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * openSUSE Leap/Tumbleweed and SLES: wicked {@code ifcfg-eth0} + {@code ifroute-eth0}; DNS through netconfig's
 * static settings in {@code /etc/sysconfig/network/config} (and {@code /etc/resolv.conf} until netconfig runs).
 */
@Component(service = DistroAdapter.class)
public class SuseAdapter implements DistroAdapter {
    private static final Logger LOG = Logger.getLogger(SuseAdapter.class.getName());
    static final String NETCONFIG = "/etc/sysconfig/network/config";

    @Reference
    NetworkRenderer renderer;

    @Override
    public String name() {
        return "suse";
    }

    @Override
    public String description() {
        return "openSUSE, SLES (wicked ifcfg + ifroute, netconfig DNS)";
    }

    @Override
    public Optional<DistroMatch> recognise(OsRelease os, RootfsView rootfs) throws IOException {
        if (os.id().startsWith("opensuse") || os.id().equals("sles") || os.id().equals("sled")) {
            return Optional.of(new DistroMatch(100, "ID=" + os.id() + " VERSION_ID=" + os.versionId() + ", wicked"));
        }
        if (os.idLike().contains("suse") || os.idLike().contains("opensuse")) {
            return Optional.of(new DistroMatch(50, "ID_LIKE=suse (ID=" + os.id() + "), wicked"));
        }
        return Optional.empty();
    }

    @Override
    public void applyNetwork(NetworkPlan plan, RootfsWriter rootfs) throws IOException {
        RootfsFiles.writeAll(rootfs, renderer.render(NetworkFormat.WICKED, plan));
        Optional<String> config = rootfs.read(NETCONFIG);
        if (config.isPresent()) {
            String text = setVariable(config.get(), "NETCONFIG_DNS_STATIC_SERVERS",
                    String.join(" ", plan.dns().servers()));
            text = setVariable(text, "NETCONFIG_DNS_STATIC_SEARCHLIST", String.join(" ", plan.dns().search()));
            text = setVariable(text, "NETCONFIG_DNS_POLICY", "STATIC");
            rootfs.write(NETCONFIG, text.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        }
        RootfsFiles.writeResolvConf(rootfs, renderer.render(NetworkFormat.RESOLV_CONF, plan), true);
        if (RootfsFiles.unitDir(rootfs, "wicked.service") != null) {
            RootfsFiles.enableUnit(rootfs, "wicked.service", "multi-user.target");
        }
        LOG.info("suse: static wicked configuration for "
                + String.join(", ", plan.interfaces().stream().map(InterfacePlan::name).toList()));
    }

    /** Sets {@code NAME="value"} in a sysconfig file, replacing the existing assignment or appending one. */
    static String setVariable(String text, String name, String value) {
        String line = name + "=\"" + value.replace("\"", "") + "\"";
        List<String> lines = new java.util.ArrayList<>(text.lines().toList());
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(name + "=")) {
                lines.set(i, line);
                found = true;
            }
        }
        if (!found) {
            lines.add(line);
        }
        return String.join("\n", lines) + "\n";
    }
}
