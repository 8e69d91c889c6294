package org.lxcatastrophe.network.render;

import java.util.ArrayList;
import java.util.List;

import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/**
 * Red Hat initscripts: {@code /etc/sysconfig/network-scripts/ifcfg-<if>} (with {@code GATEWAY}, which the
 * default route needs) plus {@code route-<if>} / {@code route6-<if>} for other routes.
 */
final class IfcfgRenderer {
    static final String DIR = "/etc/sysconfig/network-scripts/";

    private IfcfgRenderer() {
    }

    static List<RenderedFile> render(NetworkPlan plan) {
        List<RenderedFile> files = new ArrayList<>();
        boolean first = true;
        for (InterfacePlan itf : plan.interfaces()) {
            StringBuilder sb = new StringBuilder();
            sb.append("# ").append(Text.HEADER).append('\n');
            sb.append("DEVICE=").append(itf.name()).append('\n');
            sb.append("NAME=").append(itf.name()).append('\n');
            sb.append("TYPE=Ethernet\nONBOOT=yes\nBOOTPROTO=none\n");
            List<IpAddress> v4 = itf.ipv4();
            for (int i = 0; i < v4.size(); i++) {
                String suffix = i == 0 ? "" : String.valueOf(i);
                sb.append("IPADDR").append(suffix).append('=').append(v4.get(i).address()).append('\n');
                sb.append("PREFIX").append(suffix).append('=').append(v4.get(i).prefix()).append('\n');
            }
            if (itf.gateway4() != null) {
                sb.append("GATEWAY=").append(itf.gateway4()).append('\n');
                sb.append("DEFROUTE=yes\n");
            }
            if (itf.mtu() > 0) {
                sb.append("MTU=").append(itf.mtu()).append('\n');
            }
            List<IpAddress> v6 = itf.ipv6();
            if (v6.isEmpty()) {
                sb.append("IPV6INIT=no\n");
            } else {
                sb.append("IPV6INIT=yes\nIPV6_AUTOCONF=no\nDHCPV6C=no\n");
                sb.append("IPV6ADDR=").append(v6.get(0)).append('\n');
                if (v6.size() > 1) {
                    sb.append("IPV6ADDR_SECONDARIES=\"")
                            .append(Text.join(Text.addresses(v6.subList(1, v6.size())), " ")).append("\"\n");
                }
                if (itf.gateway6() != null) {
                    sb.append("IPV6_DEFAULTGW=").append(itf.gateway6()).append('\n');
                }
            }
            if (first) {
                List<String> servers = plan.dns().servers();
                for (int i = 0; i < servers.size(); i++) {
                    sb.append("DNS").append(i + 1).append('=').append(servers.get(i)).append('\n');
                }
                if (!plan.dns().search().isEmpty()) {
                    sb.append("DOMAIN=\"").append(Text.join(plan.dns().search(), " ")).append("\"\n");
                }
            }
            sb.append("PEERDNS=no\n");
            files.add(new RenderedFile(DIR + "ifcfg-" + itf.name(), sb.toString(), 0644));
            StringBuilder r4 = new StringBuilder();
            StringBuilder r6 = new StringBuilder();
            for (Route r : itf.routes()) {
                StringBuilder target = Text.isIpv6(r.destination()) ? r6 : r4;
                target.append(Text.cidr(r.destination()));
                if (r.gateway() != null) {
                    target.append(" via ").append(r.gateway());
                }
                target.append(" dev ").append(itf.name());
                if (r.metric() >= 0) {
                    target.append(" metric ").append(r.metric());
                }
                target.append('\n');
            }
            if (r4.length() > 0) {
                files.add(new RenderedFile(DIR + "route-" + itf.name(), r4.toString(), 0644));
            }
            if (r6.length() > 0) {
                files.add(new RenderedFile(DIR + "route6-" + itf.name(), r6.toString(), 0644));
            }
            first = false;
        }
        return files;
    }
}
