package org.lxcatastrophe.api.network;

import java.util.List;

/**
 * Name resolution for the container. Never contains a loopback server: the wrapper's own loopback resolvers
 * (Docker's embedded DNS at 127.0.0.11) are replaced by an address the container can reach.
 */
public record DnsConfig(List<String> servers, List<String> search, List<String> options) {
    public DnsConfig {
        servers = List.copyOf(servers);
        search = List.copyOf(search);
        options = List.copyOf(options);
    }

    public static final DnsConfig NONE = new DnsConfig(List.of(), List.of(), List.of());
}
