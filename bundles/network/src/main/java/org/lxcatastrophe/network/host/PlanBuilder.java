package org.lxcatastrophe.network.host;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.network.DnsConfig;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/** Turns the wrapper's captured state into the plan for the container. */
final class PlanBuilder {
    private PlanBuilder() {
    }

    /** The plan plus the upstream servers the DNS forwarder relays to (empty: no forwarder). */
    record Captured(NetworkPlan plan, List<String> upstreams) {
    }

    static List<IpState.Link> select(IpState state, Settings settings) throws LxcatException {
        List<IpState.Link> chosen = new ArrayList<>();
        if (!settings.interfaces().isEmpty()) {
            for (String name : settings.interfaces()) {
                IpState.Link link = state.link(name);
                if (link == null) {
                    throw new LxcatException("network.interfaces names " + name + " but there is no such interface"
                            + " (present: " + names(state) + "); fix NETWORK_INTERFACES");
                }
                chosen.add(link);
            }
            return chosen;
        }
        for (IpState.Link link : state.links) {
            if (link.name().matches("eth\\d+") && (!link.addresses().isEmpty() || link.master() != null)) {
                chosen.add(link);
            }
        }
        chosen.sort((a, b) -> Integer.compare(Integer.parseInt(a.name().substring(3)),
                Integer.parseInt(b.name().substring(3))));
        if (chosen.isEmpty()) {
            throw new LxcatException("no interface to take over: no eth* interface has a global IPv4/IPv6 address"
                    + " (present: " + names(state) + "); attach the container to a network or set network.interfaces");
        }
        return chosen;
    }

    static Captured build(List<IpState.Link> links, IpState state, ResolvConf resolv, Settings settings)
            throws LxcatException {
        List<InterfacePlan> interfaces = new ArrayList<>();
        for (IpState.Link link : links) {
            if (link.addresses().isEmpty()) {
                throw new LxcatException("interface " + link.name() + " has no global IPv4 or IPv6 address, so there"
                        + " is nothing to hand to the container; remove it from network.interfaces");
            }
            if (link.mac() == null || !link.mac().matches("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}")) {
                throw new LxcatException("interface " + link.name() + " has no Ethernet MAC address (" + link.mac()
                        + "); only Ethernet interfaces can be bridged, remove it from network.interfaces");
            }
            interfaces.add(new InterfacePlan(link.name(), link.mac().toLowerCase(), link.mtu(), link.addresses(),
                    state.defaultGateway(link.name(), false), state.defaultGateway(link.name(), true),
                    state.otherRoutes(link.name())));
        }
        boolean loopback = resolv.nameservers().stream().anyMatch(ResolvConf::unreachableFromContainer);
        boolean forward = settings.dnsMode().equals(Settings.FORWARD)
                || (settings.dnsMode().equals(Settings.AUTO) && loopback);
        Set<String> reachable = new LinkedHashSet<>();
        resolv.nameservers().stream().filter(s -> !ResolvConf.unreachableFromContainer(s)).forEach(reachable::add);
        List<String> upstreams = List.of();
        List<String> servers;
        if (forward) {
            upstreams = !settings.dnsUpstream().isEmpty() ? settings.dnsUpstream() : resolv.nameservers();
            if (upstreams.isEmpty()) {
                throw new LxcatException("the DNS forwarder has nothing to relay to: " + settings.resolvConf()
                        + " names no nameserver; set network.dns.upstream (NETWORK_DNS_UPSTREAM)");
            }
            servers = new ArrayList<>();
            servers.add(settings.dnsAddress());
            // the wrapper's reachable servers as a fallback after the forwarder
            servers.addAll(reachable);
            InterfacePlan first = interfaces.get(0);
            if (first.ipv4().isEmpty()) {
                throw new LxcatException("the DNS forwarder needs an IPv4 address on " + first.name()
                        + "; set network.dns.mode=direct (NETWORK_DNS_MODE) and network.dns.upstream");
            }
            List<Route> routes = new ArrayList<>(first.routes());
            routes.add(new Route(settings.dnsAddress() + "/32", null, -1));
            interfaces.set(0, new InterfacePlan(first.name(), first.mac(), first.mtu(), first.addresses(),
                    first.gateway4(), first.gateway6(), routes));
        } else {
            reachable.addAll(resolv.extServers().stream().filter(s -> !ResolvConf.unreachableFromContainer(s)).toList());
            servers = new ArrayList<>(reachable);
        }
        DnsConfig dns = new DnsConfig(servers, resolv.search(), resolv.options());
        return new Captured(new NetworkPlan(interfaces, dns), upstreams);
    }

    private static String names(IpState state) {
        return String.join(", ", state.links.stream().map(IpState.Link::name).toList());
    }
}
