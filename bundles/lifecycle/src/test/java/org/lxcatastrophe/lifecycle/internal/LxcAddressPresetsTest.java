package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;
import org.lxcatastrophe.api.network.DnsConfig;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;

/** distro.fallback: the plan as LXC's own address presets, per interface index. */
public class LxcAddressPresetsTest {

    @Test
    public void dualStackAndASecondInterface() {
        NetworkPlan plan = new NetworkPlan(List.of(
                new InterfacePlan("eth0", "02:42:ac:11:00:02", 1500,
                        List.of(new IpAddress("172.17.0.2", 16), new IpAddress("fd00::2", 64)), "172.17.0.1", "fd00::1",
                        List.of()),
                new InterfacePlan("eth1", "02:42:ac:12:00:05", 1500, List.of(new IpAddress("172.18.0.5", 24)), null, null,
                        List.of())),
                DnsConfig.NONE);
        assertEquals(List.of("lxc.net.0.ipv4.address = 172.17.0.2/16", "lxc.net.0.ipv6.address = fd00::2/64",
                "lxc.net.0.ipv4.gateway = 172.17.0.1", "lxc.net.0.ipv6.gateway = fd00::1",
                "lxc.net.1.ipv4.address = 172.18.0.5/24"), ContainerLifecycleImpl.lxcAddressPresets(plan));
    }
}
