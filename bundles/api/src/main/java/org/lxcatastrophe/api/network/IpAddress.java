package org.lxcatastrophe.api.network;

/**
 * An interface address with its prefix length, e.g. {@code 172.17.0.2/16} or {@code fd00::2/64}.
 */
public record IpAddress(String address, int prefix) {
    public IpAddress {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address is empty");
        }
        int max = address.contains(":") ? 128 : 32;
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix /" + prefix + " is invalid for " + address);
        }
    }

    public boolean isIpv6() {
        return address.contains(":");
    }

    /** {@code address/prefix}. */
    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
