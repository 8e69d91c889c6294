package org.lxcatastrophe.network.render;

import java.util.ArrayList;
import java.util.List;

import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/** systemd-networkd: one {@code /etc/systemd/network/<if>.network} per interface. */
final class NetworkdRenderer {
    private NetworkdRenderer() {
    }

    static List<RenderedFile> render(NetworkPlan plan) {
        List<RenderedFile> files = new ArrayList<>();
        boolean first = true;
        for (InterfacePlan itf : plan.interfaces()) {
            StringBuilder sb = new StringBuilder();
            sb.append("# ").append(Text.HEADER).append('\n');
            sb.append("[Match]\nName=").append(itf.name()).append("\n\n");
            if (itf.mtu() > 0) {
                sb.append("[Link]\nMTUBytes=").append(itf.mtu()).append("\n\n");
            }
            sb.append("[Network]\nDHCP=no\nIPv6AcceptRA=no\n");
            for (IpAddress a : itf.addresses()) {
                sb.append("Address=").append(a).append('\n');
            }
            if (itf.gateway4() != null) {
                sb.append("Gateway=").append(itf.gateway4()).append('\n');
            }
            if (itf.gateway6() != null) {
                sb.append("Gateway=").append(itf.gateway6()).append('\n');
            }
            if (first) {
                for (String server : plan.dns().servers()) {
                    sb.append("DNS=").append(server).append('\n');
                }
                if (!plan.dns().search().isEmpty()) {
                    sb.append("Domains=").append(Text.join(plan.dns().search(), " ")).append('\n');
                }
            }
            for (Route r : itf.routes()) {
                sb.append("\n[Route]\nDestination=").append(Text.cidr(r.destination())).append('\n');
                if (r.gateway() != null) {
                    sb.append("Gateway=").append(r.gateway()).append('\n');
                } else {
                    sb.append("Scope=link\n");
                }
                if (r.metric() >= 0) {
                    sb.append("Metric=").append(r.metric()).append('\n');
                }
            }
            files.add(new RenderedFile("/etc/systemd/network/" + itf.name() + ".network", sb.toString(), 0644));
            first = false;
        }
        return files;
    }
}
