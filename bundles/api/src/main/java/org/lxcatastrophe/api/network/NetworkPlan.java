package org.lxcatastrophe.api.network;

import java.util.List;

/**
 * The network identity handed to the system container: the wrapper's interfaces and DNS.
 */
public record NetworkPlan(List<InterfacePlan> interfaces, DnsConfig dns) {
    public NetworkPlan {
        interfaces = List.copyOf(interfaces);
    }

    /** A container with no network (LXC {@code lxc.net.0.type = empty}). */
    public static final NetworkPlan EMPTY = new NetworkPlan(List.of(), DnsConfig.NONE);
}
