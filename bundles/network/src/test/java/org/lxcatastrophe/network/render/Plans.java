package org.lxcatastrophe.network.render;

import java.util.List;

import org.lxcatastrophe.api.network.DnsConfig;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/** The plans the golden files are rendered from. */
final class Plans {
    private Plans() {
    }

    static final NetworkPlan IPV4 = new NetworkPlan(List.of(
            new InterfacePlan("eth0", "02:42:ac:11:00:02", 1500, List.of(new IpAddress("172.17.0.2", 16)),
                    "172.17.0.1", null, List.of())),
            new DnsConfig(List.of("192.168.65.7"), List.of(), List.of()));

    static final NetworkPlan DUAL_STACK = new NetworkPlan(List.of(
            new InterfacePlan("eth0", "02:42:ac:12:00:05", 1500,
                    List.of(new IpAddress("172.18.0.5", 16), new IpAddress("fd00:dead:beef::5", 64)),
                    "172.18.0.1", "fd00:dead:beef::1", List.of())),
            new DnsConfig(List.of("169.254.53.1"), List.of("example.test", "lab.example.test"),
                    List.of("ndots:0")));

    static final NetworkPlan TWO_INTERFACES = new NetworkPlan(List.of(
            new InterfacePlan("eth0", "02:42:ac:13:00:02", 1500, List.of(new IpAddress("172.19.0.2", 16)),
                    "172.19.0.1", null, List.of(new Route("169.254.53.1/32", null, -1))),
            new InterfacePlan("eth1", "02:42:ac:14:00:02", 1500,
                    List.of(new IpAddress("172.20.0.2", 16), new IpAddress("172.20.1.2", 24)), null, null,
                    List.of(new Route("10.20.0.0/16", "172.20.0.1", 100)))),
            new DnsConfig(List.of("169.254.53.1"), List.of(), List.of()));

    static final NetworkPlan SEVERAL_DNS = new NetworkPlan(List.of(
            new InterfacePlan("eth0", "02:42:0a:00:00:09", 1500, List.of(new IpAddress("10.0.0.9", 24)),
                    "10.0.0.1", null, List.of())),
            new DnsConfig(List.of("10.0.0.53", "10.0.1.53", "2001:db8::53"), List.of("corp.example.test"),
                    List.of("edns0", "timeout:2")));

    static final NetworkPlan MTU = new NetworkPlan(List.of(
            new InterfacePlan("eth0", "02:42:c0:a8:64:0a", 1450,
                    List.of(new IpAddress("192.168.100.10", 24), new IpAddress("2001:db8:100::10", 64)),
                    "192.168.100.1", "2001:db8:100::1",
                    List.of(new Route("2001:db8:200::/48", "2001:db8:100::fe", 50)))),
            new DnsConfig(List.of("192.168.100.1"), List.of(), List.of()));

    static final List<Object[]> ALL = List.of(new Object[] {"ipv4", IPV4}, new Object[] {"dual-stack", DUAL_STACK},
            new Object[] {"two-interfaces", TWO_INTERFACES}, new Object[] {"several-dns", SEVERAL_DNS},
            new Object[] {"mtu", MTU});
}
