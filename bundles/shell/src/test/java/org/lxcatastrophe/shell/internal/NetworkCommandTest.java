package org.lxcatastrophe.shell.internal;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.Test;
import org.lxcatastrophe.api.network.DnsConfig;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

public class NetworkCommandTest {

    private static String print(NetworkPlan plan) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        NetworkCommand.print(plan, new PrintStream(b, true, StandardCharsets.UTF_8));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void showsEveryInterfaceWithItsIdentityAndTheDns() {
        NetworkPlan plan = new NetworkPlan(List.of(new InterfacePlan("eth0", "02:42:ac:12:00:05", 1500,
                List.of(new IpAddress("172.18.0.5", 16), new IpAddress("fd00::5", 64)), "172.18.0.1", null,
                List.of(new Route("10.10.0.0/16", "172.18.0.254", 20)))),
                new DnsConfig(List.of("169.254.53.1"), List.of("example.test"), List.of()));
        assertEquals("eth0  mac 02:42:ac:12:00:05  mtu 1500\n"
                + "  address  172.18.0.5/16\n"
                + "  address  fd00::5/64\n"
                + "  gateway  172.18.0.1\n"
                + "  route    10.10.0.0/16 via 172.18.0.254 metric 20\n"
                + "dns      169.254.53.1  search example.test\n", print(plan));
    }

    @Test
    public void saysSoWhenThereIsNothingToTakeOver() {
        assertEquals("no interface to take over (the container gets no network)\ndns      (none)\n", print(NetworkPlan.EMPTY));
    }
}
