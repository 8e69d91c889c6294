package org.lxcatastrophe.api.network;

import java.util.List;

/**
 * One network interface of the system container.
 *
 * @param name      the interface name inside the container (the wrapper's, e.g. {@code eth0})
 * @param mac       the MAC address the container's side gets (the wrapper interface's original MAC)
 * @param mtu       MTU
 * @param addresses IPv4 and IPv6 addresses with prefixes (no link-local ones)
 * @param gateway4  IPv4 default gateway, or {@code null}
 * @param gateway6  IPv6 default gateway, or {@code null}
 * @param routes    other routes through this interface
 */
public record InterfacePlan(String name, String mac, int mtu, List<IpAddress> addresses, String gateway4,
        String gateway6, List<Route> routes) {
    public InterfacePlan {
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }

    public List<IpAddress> ipv4() {
        return addresses.stream().filter(a -> !a.isIpv6()).toList();
    }

    public List<IpAddress> ipv6() {
        return addresses.stream().filter(IpAddress::isIpv6).toList();
    }
}
