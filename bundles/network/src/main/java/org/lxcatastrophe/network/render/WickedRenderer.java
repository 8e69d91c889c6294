package org.lxcatastrophe.network.render;

import java.util.ArrayList;
import java.util.List;

import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/**
 * SUSE wicked: {@code /etc/sysconfig/network/ifcfg-<if>} and {@code ifroute-<if>} (DNS goes through netconfig,
 * which the SUSE adapter sets up).
 */
final class WickedRenderer {
    static final String DIR = "/etc/sysconfig/network/";

    private WickedRenderer() {
    }

    static List<RenderedFile> render(NetworkPlan plan) {
        List<RenderedFile> files = new ArrayList<>();
        for (InterfacePlan itf : plan.interfaces()) {
            StringBuilder sb = new StringBuilder();
            sb.append("# ").append(Text.HEADER).append('\n');
            sb.append("STARTMODE='auto'\nBOOTPROTO='static'\n");
            List<IpAddress> all = itf.addresses();
            for (int i = 0; i < all.size(); i++) {
                sb.append("IPADDR").append(i == 0 ? "" : "_" + i).append("='").append(all.get(i)).append("'\n");
            }
            if (itf.mtu() > 0) {
                sb.append("MTU='").append(itf.mtu()).append("'\n");
            }
            files.add(new RenderedFile(DIR + "ifcfg-" + itf.name(), sb.toString(), 0644));

            StringBuilder routes = new StringBuilder();
            routes.append("# ").append(Text.HEADER).append('\n');
            routes.append("# destination gateway netmask interface\n");
            if (itf.gateway4() != null) {
                routes.append("default ").append(itf.gateway4()).append(" - ").append(itf.name()).append('\n');
            }
            if (itf.gateway6() != null) {
                routes.append("default ").append(itf.gateway6()).append(" - ").append(itf.name()).append('\n');
            }
            for (Route r : itf.routes()) {
                routes.append(Text.cidr(r.destination())).append(' ')
                        .append(r.gateway() != null ? r.gateway() : "-").append(" - ").append(itf.name());
                if (r.metric() >= 0) {
                    routes.append(" metric ").append(r.metric());
                }
                routes.append('\n');
            }
            files.add(new RenderedFile(DIR + "ifroute-" + itf.name(), routes.toString(), 0644));
        }
        return files;
    }
}
