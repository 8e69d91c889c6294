package org.lxcatastrophe.network.render;

import java.util.List;

import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/** netplan: one {@code /etc/netplan/10-lxc.yaml}, mode 0600 (netplan warns about wider permissions). */
final class NetplanRenderer {
    static final String PATH = "/etc/netplan/10-lxc.yaml";

    private NetplanRenderer() {
    }

    static List<RenderedFile> render(NetworkPlan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(Text.HEADER).append('\n');
        sb.append("network:\n  version: 2\n  renderer: networkd\n  ethernets:\n");
        boolean first = true;
        for (InterfacePlan itf : plan.interfaces()) {
            sb.append("    ").append(itf.name()).append(":\n");
            sb.append("      dhcp4: false\n      dhcp6: false\n      accept-ra: false\n");
            if (itf.mtu() > 0) {
                sb.append("      mtu: ").append(itf.mtu()).append('\n');
            }
            if (!itf.addresses().isEmpty()) {
                sb.append("      addresses:\n");
                for (IpAddress a : itf.addresses()) {
                    sb.append("        - \"").append(a).append("\"\n");
                }
            }
            boolean routes = itf.gateway4() != null || itf.gateway6() != null || !itf.routes().isEmpty();
            if (routes) {
                sb.append("      routes:\n");
                if (itf.gateway4() != null) {
                    sb.append("        - to: default\n          via: \"").append(itf.gateway4()).append("\"\n");
                }
                if (itf.gateway6() != null) {
                    sb.append("        - to: default\n          via: \"").append(itf.gateway6()).append("\"\n");
                }
                for (Route r : itf.routes()) {
                    sb.append("        - to: \"").append(Text.cidr(r.destination())).append("\"\n");
                    if (r.gateway() != null) {
                        sb.append("          via: \"").append(r.gateway()).append("\"\n");
                    } else {
                        sb.append("          scope: link\n");
                    }
                    if (r.metric() >= 0) {
                        sb.append("          metric: ").append(r.metric()).append('\n');
                    }
                }
            }
            if (first && (!plan.dns().servers().isEmpty() || !plan.dns().search().isEmpty())) {
                sb.append("      nameservers:\n");
                if (!plan.dns().servers().isEmpty()) {
                    sb.append("        addresses:\n");
                    for (String s : plan.dns().servers()) {
                        sb.append("          - \"").append(s).append("\"\n");
                    }
                }
                if (!plan.dns().search().isEmpty()) {
                    sb.append("        search:\n");
                    for (String s : plan.dns().search()) {
                        sb.append("          - \"").append(s).append("\"\n");
                    }
                }
            }
            first = false;
        }
        return List.of(new RenderedFile(PATH, sb.toString(), 0600));
    }
}
