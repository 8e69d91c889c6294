package org.lxcatastrophe.network.render;

import java.util.List;

import org.lxcatastrophe.api.distro.NetworkFormat;
import org.lxcatastrophe.api.distro.NetworkRenderer;
import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.osgi.service.component.annotations.Component;

/** The one place where every network configuration format is rendered; distro bundles reuse it. */
@Component(service = NetworkRenderer.class)
public class SharedNetworkRenderer implements NetworkRenderer {

    @Override
    public List<RenderedFile> render(NetworkFormat format, NetworkPlan plan) {
        return switch (format) {
            case NETWORKD -> NetworkdRenderer.render(plan);
            case NETPLAN -> NetplanRenderer.render(plan);
            case IFUPDOWN -> IfupdownRenderer.render(plan);
            case IFCFG -> IfcfgRenderer.render(plan);
            case NM_KEYFILE -> NmKeyfileRenderer.render(plan);
            case WICKED -> WickedRenderer.render(plan);
            case RESOLV_CONF -> ResolvConfRenderer.render(plan);
        };
    }
}
