package org.lxcatastrophe.network.render;

import java.util.List;

import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.NetworkPlan;

/** {@code /etc/resolv.conf}. */
final class ResolvConfRenderer {
    static final String PATH = "/etc/resolv.conf";

    private ResolvConfRenderer() {
    }

    static List<RenderedFile> render(NetworkPlan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(Text.HEADER).append('\n');
        for (String server : plan.dns().servers()) {
            sb.append("nameserver ").append(server).append('\n');
        }
        if (!plan.dns().search().isEmpty()) {
            sb.append("search ").append(Text.join(plan.dns().search(), " ")).append('\n');
        }
        if (!plan.dns().options().isEmpty()) {
            sb.append("options ").append(Text.join(plan.dns().options(), " ")).append('\n');
        }
        return List.of(new RenderedFile(PATH, sb.toString(), 0644));
    }
}
