package org.lxcatastrophe.api.network;

/**
 * A route other than the default one.
 *
 * @param destination network in CIDR form, e.g. {@code 10.10.0.0/16}
 * @param gateway     next hop, or {@code null} for an on-link route
 * @param metric      metric, or {@code -1} when unset
 */
public record Route(String destination, String gateway, int metric) {
}
