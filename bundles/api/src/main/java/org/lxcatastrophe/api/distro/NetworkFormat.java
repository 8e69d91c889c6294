package org.lxcatastrophe.api.distro;

/** The network configuration formats the shared renderers write. */
public enum NetworkFormat {
    /** systemd-networkd {@code .network} files. */
    NETWORKD,
    /** netplan YAML. */
    NETPLAN,
    /** Debian ifupdown {@code /etc/network/interfaces}. */
    IFUPDOWN,
    /** Red Hat initscripts {@code ifcfg-*}. */
    IFCFG,
    /** NetworkManager keyfiles ({@code .nmconnection}). */
    NM_KEYFILE,
    /** SUSE wicked {@code ifcfg-*} and {@code ifroute-*}. */
    WICKED,
    /** {@code /etc/resolv.conf}. */
    RESOLV_CONF
}
