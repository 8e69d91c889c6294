package org.lxcatastrophe.network.host;

import static org.junit.Assert.assertEquals;

import java.util.List;

import org.junit.Test;
import org.lxcatastrophe.api.network.DnsConfig;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;

/** The "captured ..." log line names only the gateways there are (no "null" for a missing IPv6 gateway). */
public class DescribePlanTest {

    @Test
    public void anAbsentGatewayIsNotPrintedAsNull() {
        InterfacePlan v4 = new InterfacePlan("eth0", "02:42:ac:11:00:02", 1500, List.of(new IpAddress("172.17.0.2", 16)),
                "172.17.0.1", null, List.of());
        InterfacePlan both = new InterfacePlan("eth1", "02:42:ac:12:00:02", 1400,
                List.of(new IpAddress("fd00::2", 64)), null, "fd00::1", List.of());
        String line = HostNetworkImpl.describe(new NetworkPlan(List.of(v4, both),
                new DnsConfig(List.of("10.0.0.53"), List.of(), List.of())));
        assertEquals("eth0 02:42:ac:11:00:02 mtu 1500 [172.17.0.2/16] gw 172.17.0.1; "
                + "eth1 02:42:ac:12:00:02 mtu 1400 [fd00::2/64] gw none gw6 fd00::1; dns [10.0.0.53]", line);
    }
}
