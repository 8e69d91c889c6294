package org.lxcatastrophe.network.render;

import java.util.List;

import org.lxcatastrophe.api.network.IpAddress;

/** Small helpers shared by the renderers. */
final class Text {
    static final String HEADER = "Written by lxcatastrophe: the wrapper's network identity, static (no DHCP).";

    private Text() {
    }

    /** Dotted IPv4 netmask for a prefix length, e.g. 16 -> 255.255.0.0. */
    static String netmask(int prefix) {
        long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return ((mask >> 24) & 255) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }

    static boolean isIpv6(String address) {
        return address != null && address.contains(":");
    }

    /** A route destination with an explicit prefix (a bare host address gets /32 or /128). */
    static String cidr(String destination) {
        if (destination.contains("/")) {
            return destination;
        }
        return destination + (isIpv6(destination) ? "/128" : "/32");
    }

    static String join(List<?> items, String separator) {
        StringBuilder sb = new StringBuilder();
        for (Object item : items) {
            if (sb.length() > 0) {
                sb.append(separator);
            }
            sb.append(item);
        }
        return sb.toString();
    }

    static List<String> addresses(List<IpAddress> list) {
        return list.stream().map(IpAddress::toString).toList();
    }
}
