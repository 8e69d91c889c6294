package org.lxcatastrophe.network.render;

import java.util.List;

import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/**
 * ifupdown {@code /etc/network/interfaces}: one {@code static} stanza per address (the first one carries the
 * gateway and MTU), {@code address}+{@code netmask} so that Debian ifupdown, ifupdown-ng and busybox all read it.
 */
final class IfupdownRenderer {
    static final String PATH = "/etc/network/interfaces";

    private IfupdownRenderer() {
    }

    static List<RenderedFile> render(NetworkPlan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(Text.HEADER).append('\n');
        sb.append("auto lo\niface lo inet loopback\n");
        for (InterfacePlan itf : plan.interfaces()) {
            sb.append("\nauto ").append(itf.name()).append('\n');
            stanzas(sb, itf, itf.ipv4(), "inet", itf.gateway4());
            stanzas(sb, itf, itf.ipv6(), "inet6", itf.gateway6());
            if (itf.addresses().isEmpty()) {
                sb.append("iface ").append(itf.name()).append(" inet manual\n");
                if (itf.mtu() > 0) {
                    sb.append("    mtu ").append(itf.mtu()).append('\n');
                }
            }
        }
        return List.of(new RenderedFile(PATH, sb.toString(), 0644));
    }

    private static void stanzas(StringBuilder sb, InterfacePlan itf, List<IpAddress> addresses, String family,
            String gateway) {
        boolean v6 = family.equals("inet6");
        boolean first = true;
        for (IpAddress a : addresses) {
            sb.append("iface ").append(itf.name()).append(' ').append(family).append(" static\n");
            sb.append("    address ").append(a.address()).append('\n');
            sb.append("    netmask ").append(v6 ? String.valueOf(a.prefix()) : Text.netmask(a.prefix())).append('\n');
            if (first) {
                if (gateway != null) {
                    sb.append("    gateway ").append(gateway).append('\n');
                }
                if (v6) {
                    sb.append("    accept_ra 0\n    autoconf 0\n");
                } else if (itf.mtu() > 0) {
                    sb.append("    mtu ").append(itf.mtu()).append('\n');
                }
                for (Route r : itf.routes()) {
                    if (Text.isIpv6(r.destination()) != v6) {
                        continue;
                    }
                    String route = (v6 ? "ip -6 route " : "ip route ") + "%s " + Text.cidr(r.destination())
                            + (r.gateway() != null ? " via " + r.gateway() : "") + " dev " + itf.name()
                            + (r.metric() >= 0 ? " metric " + r.metric() : "");
                    sb.append("    up ").append(String.format(route, "add")).append('\n');
                    sb.append("    down ").append(String.format(route, "del")).append(" || true\n");
                }
            }
            first = false;
        }
    }
}
