package org.lxcatastrophe.network.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.Route;
import org.lxcatastrophe.json.Json;
import org.lxcatastrophe.json.JsonException;

/** The wrapper's links, addresses and routes as {@code ip -j} reports them. */
final class IpState {

    /** One link: name, MAC, MTU, bridge master (or null), global addresses. */
    record Link(String name, String mac, int mtu, String master, String kind, List<IpAddress> addresses) {
    }

    /** One route of the main table. */
    record RouteEntry(String dst, String gateway, String dev, String protocol, int metric, boolean ipv6) {
        boolean isDefault() {
            return dst.equals("default") || dst.equals("0.0.0.0/0") || dst.equals("::/0");
        }
    }

    final List<Link> links;
    final List<RouteEntry> routes;

    IpState(List<Link> links, List<RouteEntry> routes) {
        this.links = List.copyOf(links);
        this.routes = List.copyOf(routes);
    }

    static IpState read(CommandRunner runner) throws LxcatException {
        String addr = runner.run(List.of("ip", "-d", "-j", "addr", "show"));
        String r4 = runner.run(List.of("ip", "-j", "-4", "route", "show", "table", "main"));
        String r6 = runner.run(List.of("ip", "-j", "-6", "route", "show", "table", "main"));
        return parse(addr, r4, r6);
    }

    static IpState parse(String addrJson, String route4Json, String route6Json) throws LxcatException {
        List<Link> links = new ArrayList<>();
        for (Object o : list(addrJson)) {
            Map<?, ?> link = (Map<?, ?>) o;
            List<IpAddress> addresses = new ArrayList<>();
            Object infos = link.get("addr_info");
            if (infos instanceof List<?> l) {
                for (Object i : l) {
                    Map<?, ?> info = (Map<?, ?>) i;
                    if (!"global".equals(info.get("scope")) || info.get("local") == null) {
                        continue;
                    }
                    String family = String.valueOf(info.get("family"));
                    if (!family.equals("inet") && !family.equals("inet6")) {
                        continue;
                    }
                    addresses.add(new IpAddress(String.valueOf(info.get("local")), number(info.get("prefixlen"), 0)));
                }
            }
            Object linkinfo = link.get("linkinfo");
            String kind = linkinfo instanceof Map<?, ?> li && li.get("info_kind") != null
                    ? String.valueOf(li.get("info_kind")) : "";
            links.add(new Link(String.valueOf(link.get("ifname")), string(link.get("address")),
                    number(link.get("mtu"), 0), string(link.get("master")), kind, addresses));
        }
        List<RouteEntry> routes = new ArrayList<>();
        routes(route4Json, false, routes);
        routes(route6Json, true, routes);
        return new IpState(links, routes);
    }

    private static void routes(String json, boolean ipv6, List<RouteEntry> into) throws LxcatException {
        for (Object o : list(json)) {
            Map<?, ?> r = (Map<?, ?>) o;
            if (r.get("dst") == null || r.get("dev") == null) {
                continue; // multipath or blackhole routes are not carried over
            }
            into.add(new RouteEntry(String.valueOf(r.get("dst")), string(r.get("gateway")), String.valueOf(r.get("dev")),
                    string(r.get("protocol")), number(r.get("metric"), -1), ipv6));
        }
    }

    Link link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
    }

    String defaultGateway(String dev, boolean ipv6) {
        return routes.stream().filter(r -> r.ipv6() == ipv6 && r.dev().equals(dev) && r.isDefault() && r.gateway() != null)
                .map(RouteEntry::gateway).findFirst().orElse(null);
    }

    /** Routes through {@code dev} other than the default and the kernel's subnet routes. */
    List<Route> otherRoutes(String dev) {
        List<Route> result = new ArrayList<>();
        for (RouteEntry r : routes) {
            if (!r.dev().equals(dev) || r.isDefault() || "kernel".equals(r.protocol()) || "ra".equals(r.protocol())) {
                continue;
            }
            if (r.dst().startsWith("fe80:") || r.dst().startsWith("ff")) {
                continue;
            }
            result.add(new Route(r.dst(), r.gateway(), r.metric()));
        }
        return result;
    }

    private static List<Object> list(String json) throws LxcatException {
        String text = json == null ? "" : json.strip();
        if (text.isEmpty()) {
            return List.of();
        }
        try {
            return Json.parseArray(text);
        } catch (JsonException e) {
            throw new LxcatException("cannot parse the JSON of 'ip -j': " + e.getMessage()
                    + " (iproute2 4.14 or newer is needed)", e);
        }
    }

    private static String string(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static int number(Object o, int fallback) {
        return o instanceof Number n ? n.intValue() : fallback;
    }
}
