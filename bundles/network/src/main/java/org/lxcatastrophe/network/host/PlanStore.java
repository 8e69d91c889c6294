package org.lxcatastrophe.network.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lxcatastrophe.api.network.DnsConfig;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;
import org.lxcatastrophe.json.Json;
import org.lxcatastrophe.json.JsonException;

/** Saves the captured plan as JSON so that a re-run on an already bridged wrapper recovers it. */
final class PlanStore {
    private PlanStore() {
    }

    static void save(Path file, NetworkPlan plan, List<String> upstreams) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        List<Object> interfaces = new ArrayList<>();
        for (InterfacePlan i : plan.interfaces()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", i.name());
            m.put("mac", i.mac());
            m.put("mtu", i.mtu());
            m.put("addresses", i.addresses().stream().map(IpAddress::toString).toList());
            m.put("gateway4", i.gateway4());
            m.put("gateway6", i.gateway6());
            List<Object> routes = new ArrayList<>();
            for (Route r : i.routes()) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("destination", r.destination());
                rm.put("gateway", r.gateway());
                rm.put("metric", r.metric());
                routes.add(rm);
            }
            m.put("routes", routes);
            interfaces.add(m);
        }
        root.put("interfaces", interfaces);
        root.put("dns", Map.of("servers", plan.dns().servers(), "search", plan.dns().search(), "options",
                plan.dns().options()));
        root.put("upstreams", upstreams);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.write(root, true), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The saved plan and the forwarder's upstream servers. */
    record Saved(NetworkPlan plan, List<String> upstreams) {
    }

    static Saved load(Path file) throws IOException {
        Map<String, Object> root;
        try {
            root = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new IOException(file + " is not the JSON of a saved plan: " + e.getMessage(), e);
        }
        List<InterfacePlan> interfaces = new ArrayList<>();
        for (Object o : (List<?>) root.get("interfaces")) {
            Map<?, ?> m = (Map<?, ?>) o;
            List<IpAddress> addresses = new ArrayList<>();
            for (Object a : (List<?>) m.get("addresses")) {
                String s = String.valueOf(a);
                int slash = s.lastIndexOf('/');
                addresses.add(new IpAddress(s.substring(0, slash), Integer.parseInt(s.substring(slash + 1))));
            }
            List<Route> routes = new ArrayList<>();
            for (Object r : (List<?>) m.get("routes")) {
                Map<?, ?> rm = (Map<?, ?>) r;
                routes.add(new Route(String.valueOf(rm.get("destination")), str(rm.get("gateway")),
                        ((Number) rm.get("metric")).intValue()));
            }
            interfaces.add(new InterfacePlan(String.valueOf(m.get("name")), String.valueOf(m.get("mac")),
                    ((Number) m.get("mtu")).intValue(), addresses, str(m.get("gateway4")), str(m.get("gateway6")),
                    routes));
        }
        Map<?, ?> dns = (Map<?, ?>) root.get("dns");
        DnsConfig dnsConfig = new DnsConfig(strings(dns.get("servers")), strings(dns.get("search")),
                strings(dns.get("options")));
        return new Saved(new NetworkPlan(interfaces, dnsConfig), strings(root.get("upstreams")));
    }

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static List<String> strings(Object o) {
        if (!(o instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().map(String::valueOf).toList();
    }
}
