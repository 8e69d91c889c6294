package org.lxcatastrophe.network.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/**
 * NetworkManager keyfiles: {@code /etc/NetworkManager/system-connections/<if>.nmconnection}, mode 0600 (NM
 * ignores keyfiles readable by others). The UUID is derived from the interface name so re-rendering is stable.
 */
final class NmKeyfileRenderer {
    static final String DIR = "/etc/NetworkManager/system-connections/";

    private NmKeyfileRenderer() {
    }

    static List<RenderedFile> render(NetworkPlan plan) {
        List<RenderedFile> files = new ArrayList<>();
        boolean first = true;
        for (InterfacePlan itf : plan.interfaces()) {
            StringBuilder sb = new StringBuilder();
            sb.append("# ").append(Text.HEADER).append('\n');
            UUID uuid = UUID.nameUUIDFromBytes(("lxcatastrophe:" + itf.name()).getBytes(StandardCharsets.UTF_8));
            sb.append("[connection]\nid=").append(itf.name()).append("\nuuid=").append(uuid)
                    .append("\ntype=ethernet\ninterface-name=").append(itf.name()).append("\nautoconnect=true\n\n");
            sb.append("[ethernet]\n");
            if (itf.mtu() > 0) {
                sb.append("mtu=").append(itf.mtu()).append('\n');
            }
            sb.append('\n');
            family(sb, "ipv4", itf.ipv4(), itf.gateway4(), itf, false, first ? plan : null);
            family(sb, "ipv6", itf.ipv6(), itf.gateway6(), itf, true, first ? plan : null);
            files.add(new RenderedFile(DIR + itf.name() + ".nmconnection", sb.toString(), 0600));
            first = false;
        }
        return files;
    }

    private static void family(StringBuilder sb, String section, List<IpAddress> addresses, String gateway,
            InterfacePlan itf, boolean v6, NetworkPlan dnsFrom) {
        sb.append('[').append(section).append("]\n");
        if (addresses.isEmpty()) {
            sb.append("method=disabled\n\n");
            return;
        }
        sb.append("method=manual\n");
        for (int i = 0; i < addresses.size(); i++) {
            sb.append("address").append(i + 1).append('=').append(addresses.get(i)).append('\n');
        }
        if (gateway != null) {
            sb.append("gateway=").append(gateway).append('\n');
        }
        int n = 1;
        for (Route r : itf.routes()) {
            if (Text.isIpv6(r.destination()) != v6) {
                continue;
            }
            sb.append("route").append(n++).append('=').append(Text.cidr(r.destination()));
            if (r.gateway() != null || r.metric() >= 0) {
                sb.append(',').append(r.gateway() != null ? r.gateway() : (v6 ? "::" : "0.0.0.0"));
            }
            if (r.metric() >= 0) {
                sb.append(',').append(r.metric());
            }
            sb.append('\n');
        }
        if (dnsFrom != null) {
            List<String> servers = dnsFrom.dns().servers().stream().filter(s -> Text.isIpv6(s) == v6).toList();
            if (!servers.isEmpty()) {
                sb.append("dns=").append(Text.join(servers, ";")).append(";\n");
            }
            if (!v6 && !dnsFrom.dns().search().isEmpty()) {
                sb.append("dns-search=").append(Text.join(dnsFrom.dns().search(), ";")).append(";\n");
            }
        }
        sb.append("ignore-auto-dns=true\nmay-fail=false\n");
        if (v6) {
            sb.append("addr-gen-mode=eui64\n");
        }
        sb.append('\n');
    }
}
