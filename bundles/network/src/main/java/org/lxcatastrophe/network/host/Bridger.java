package org.lxcatastrophe.network.host;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/**
 * Moves each captured interface into its own bridge: the interface and the bridge get a new locally administered
 * MAC, the interface loses its addresses and routes (the container takes them over), and the container's veth
 * gets the original MAC and MTU. Restores the wrapper's network if any step fails.
 */
final class Bridger {
    private static final Logger LOG = Logger.getLogger(Bridger.class.getName());
    private final CommandRunner runner;
    private final String bridgePrefix;
    private String forwarderRoute;

    Bridger(CommandRunner runner, String bridgePrefix) {
        this.runner = runner;
        this.bridgePrefix = bridgePrefix;
    }

    String bridgeName(int index) {
        return bridgePrefix + index;
    }

    /** A locally administered unicast MAC derived from {@code mac}, never equal to it. */
    static String wrapperMac(String mac) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(("lxcatastrophe-wrapper:" + mac.toLowerCase()).getBytes(StandardCharsets.UTF_8));
            hash[0] = (byte) ((hash[0] & 0xfc) | 0x02);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                sb.append(i == 0 ? "" : ":").append(String.format("%02x", hash[i] & 0xff));
            }
            String result = sb.toString();
            return result.equalsIgnoreCase(mac) ? wrapperMac(result) : result;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code lxc.net.N.*} lines for {@code plan}. */
    List<String> lxcLines(NetworkPlan plan) {
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < plan.interfaces().size(); n++) {
            InterfacePlan itf = plan.interfaces().get(n);
            String p = "lxc.net." + n + ".";
            lines.add(p + "type = veth");
            lines.add(p + "link = " + bridgeName(n));
            lines.add(p + "flags = up");
            lines.add(p + "name = " + itf.name());
            lines.add(p + "hwaddr = " + itf.mac());
            if (itf.mtu() > 0) {
                lines.add(p + "mtu = " + itf.mtu());
            }
        }
        return lines;
    }

    /**
     * Bridges every interface of {@code plan} not bridged yet. {@code dnsAddress} (or null) is kept on the first
     * bridge for the DNS forwarder, with host routes to the container's IPv4 addresses.
     */
    void bridge(NetworkPlan plan, IpState state, String dnsAddress) throws LxcatException {
        this.forwarderRoute = dnsAddress == null ? null : dnsAddress + "/32";
        List<Integer> done = new ArrayList<>();
        for (int n = 0; n < plan.interfaces().size(); n++) {
            InterfacePlan itf = plan.interfaces().get(n);
            String bridge = bridgeName(n);
            IpState.Link link = state.link(itf.name());
            if (link == null) {
                rollback(plan, done, state);
                throw new LxcatException("interface " + itf.name() + " disappeared before it could be bridged;"
                        + " check the container's network (docker inspect)");
            }
            if (bridge.equals(link.master())) {
                LOG.info("interface " + itf.name() + " is already in bridge " + bridge + ": keeping it");
                continue;
            }
            if (state.link(bridge) != null) {
                rollback(plan, done, state);
                throw new LxcatException("a link named " + bridge + " already exists and does not hold " + itf.name()
                        + "; delete it or set network.bridge.prefix (NETWORK_BRIDGE_PREFIX)");
            }
            done.add(n);
            try {
                String mac = wrapperMac(itf.mac());
                // two ip processes (ip -batch) instead of one per step; the bridge's IPv6 settings go in between,
                // while it exists and is not up yet
                List<List<String>> create = new ArrayList<>();
                create.add(List.of("link", "add", "name", bridge, "type", "bridge"));
                if (itf.mtu() > 0) {
                    create.add(List.of("link", "set", "dev", bridge, "mtu", String.valueOf(itf.mtu())));
                }
                create.add(List.of("link", "set", "dev", bridge, "address", mac));
                runner.runIpBatch(create);
                quietSysctl(bridge);
                runner.runIpBatch(List.of(
                        List.of("link", "set", "dev", itf.name(), "down"),
                        List.of("link", "set", "dev", itf.name(), "address", mac),
                        // every IPv4 address, and the global IPv6 ones (the link-local address stays)
                        List.of("address", "flush", "dev", itf.name(), "to", "0.0.0.0/0"),
                        List.of("address", "flush", "dev", itf.name(), "scope", "global", "to", "::/0"),
                        List.of("link", "set", "dev", itf.name(), "master", bridge),
                        List.of("link", "set", "dev", itf.name(), "up"),
                        List.of("link", "set", "dev", bridge, "up")));
                LOG.info("bridged " + itf.name() + " into " + bridge + " (wrapper MAC " + mac + ", container MAC "
                        + itf.mac() + ", MTU " + itf.mtu() + ")");
            } catch (LxcatException e) {
                rollback(plan, done, state);
                throw new LxcatException("bridging " + itf.name() + " failed, the wrapper's network was restored: "
                        + e.getMessage(), e);
            }
        }
        if (dnsAddress != null && !plan.interfaces().isEmpty()) {
            try {
                keepDnsAddress(plan, dnsAddress);
            } catch (LxcatException e) {
                rollback(plan, done, state);
                throw new LxcatException("cannot give the DNS forwarder address " + dnsAddress + " to "
                        + bridgeName(0) + ", the wrapper's network was restored: " + e.getMessage(), e);
            }
        }
    }

    private void keepDnsAddress(NetworkPlan plan, String dnsAddress) throws LxcatException {
        String bridge = bridgeName(0);
        List<List<String>> steps = new ArrayList<>();
        steps.add(List.of("addr", "replace", dnsAddress + "/32", "dev", bridge, "scope", "link"));
        for (IpAddress a : plan.interfaces().get(0).ipv4()) {
            steps.add(List.of("route", "replace", a.address() + "/32", "dev", bridge, "src", dnsAddress));
        }
        runner.runIpBatch(steps);
    }

    /** Puts the wrapper's network back as captured, best effort (every step is tried). */
    void rollback(NetworkPlan plan, List<Integer> indexes, IpState state) {
        for (int i = indexes.size() - 1; i >= 0; i--) {
            int n = indexes.get(i);
            InterfacePlan itf = plan.interfaces().get(n);
            String bridge = bridgeName(n);
            LOG.warning("restoring " + itf.name() + " (removing bridge " + bridge + ")");
            quiet("ip", "link", "set", "dev", itf.name(), "nomaster");
            quiet("ip", "link", "set", "dev", itf.name(), "down");
            quiet("ip", "link", "set", "dev", itf.name(), "address", itf.mac());
            quiet("ip", "link", "set", "dev", itf.name(), "up");
            quiet("ip", "link", "del", "dev", bridge);
            for (IpAddress a : itf.addresses()) {
                quiet("ip", "addr", "replace", a.toString(), "dev", itf.name());
            }
            if (itf.gateway4() != null) {
                quiet("ip", "-4", "route", "replace", "default", "via", itf.gateway4(), "dev", itf.name());
            }
            if (itf.gateway6() != null) {
                quiet("ip", "-6", "route", "replace", "default", "via", itf.gateway6(), "dev", itf.name());
            }
            for (Route r : itf.routes()) {
                if (r.destination().equals(forwarderRoute)) {
                    continue; // the container's route to the DNS forwarder was never the wrapper's
                }
                List<String> cmd = new ArrayList<>(List.of("ip", "route", "replace", r.destination()));
                if (r.gateway() != null) {
                    cmd.addAll(List.of("via", r.gateway()));
                }
                cmd.addAll(List.of("dev", itf.name()));
                if (r.metric() >= 0) {
                    cmd.addAll(List.of("metric", String.valueOf(r.metric())));
                }
                quiet(cmd.toArray(String[]::new));
            }
        }
    }

    private void quiet(String... command) {
        try {
            runner.run(List.of(command));
        } catch (LxcatException e) {
            LOG.log(Level.FINE, "rollback step failed: " + e.getMessage(), e);
        }
    }

    /** The bridge must not autoconfigure IPv6 addresses of its own (best effort; /proc/sys may be read-only). */
    private static void quietSysctl(String bridge) {
        for (String key : List.of("accept_ra", "autoconf")) {
            Path p = Path.of("/proc/sys/net/ipv6/conf", bridge, key);
            try {
                if (Files.isWritable(p)) {
                    Files.writeString(p, "0");
                }
            } catch (java.io.IOException e) {
                LOG.fine("cannot set " + p + ": " + e.getMessage());
            }
        }
    }
}
