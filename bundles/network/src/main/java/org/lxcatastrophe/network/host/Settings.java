package org.lxcatastrophe.network.host;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.lxcatastrophe.api.ConfigurationException;

/** The validated configuration of the host network component. */
record Settings(List<String> interfaces, boolean force, String dnsMode, String dnsAddress, List<String> dnsUpstream,
        String bridgePrefix, Path stateFile, Path resolvConf) {

    static final String AUTO = "auto";
    static final String FORWARD = "forward";
    static final String DIRECT = "direct";

    static Settings from(NetworkConfig c) throws ConfigurationException {
        List<String> interfaces = split(c.network_interfaces());
        for (String name : interfaces) {
            if (!name.matches("[A-Za-z0-9_.-]{1,15}")) {
                throw new ConfigurationException("network.interfaces", "network.interfaces (NETWORK_INTERFACES): '"
                        + name + "' is not an interface name; give a comma-separated list such as eth0,eth1");
            }
        }
        String mode = c.network_dns_mode().strip().toLowerCase();
        if (!List.of(AUTO, FORWARD, DIRECT).contains(mode)) {
            throw new ConfigurationException("network.dns.mode", "network.dns.mode (NETWORK_DNS_MODE): '" + mode
                    + "' is not one of auto, forward, direct");
        }
        String address = c.network_dns_address().strip();
        if (!address.matches("(\\d{1,3}\\.){3}\\d{1,3}") || address.startsWith("127.")) {
            throw new ConfigurationException("network.dns.address", "network.dns.address (NETWORK_DNS_ADDRESS): '"
                    + address + "' must be an IPv4 address outside 127.0.0.0/8, e.g. 169.254.53.1");
        }
        String prefix = c.network_bridge_prefix().strip();
        if (!prefix.matches("[a-z][a-z0-9-]{0,9}")) {
            throw new ConfigurationException("network.bridge.prefix", "network.bridge.prefix (NETWORK_BRIDGE_PREFIX): '"
                    + prefix + "' must be 1-10 lower-case letters, digits or '-', starting with a letter");
        }
        String state = c.network_state_file().strip();
        if (state.isEmpty()) {
            throw new ConfigurationException("network.state.file",
                    "network.state.file (NETWORK_STATE_FILE) is empty; give a writable path for the saved network plan");
        }
        return new Settings(interfaces, c.network_force(), mode, address, split(c.network_dns_upstream()), prefix,
                Path.of(state), Path.of(c.network_resolv_conf().strip()));
    }

    private static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split("[,\\s]+")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
