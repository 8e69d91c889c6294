package org.lxcatastrophe.network.host;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.network.NetworkPlan;

public class BridgerTest {

    private static NetworkPlan plan(FakeRunner runner, Settings s) throws Exception {
        IpState state = IpState.parse(IpStateTest.ADDR, IpStateTest.ROUTE4, IpStateTest.ROUTE6);
        return PlanBuilder.build(PlanBuilder.select(state, s), state,
                ResolvConf.parse("nameserver 127.0.0.11\n"), s).plan();
    }

    @Test
    public void wrapperMacIsLocallyAdministeredUnicastAndDifferent() {
        for (String mac : List.of("02:42:ac:11:00:02", "00:16:3e:00:00:01", "ff:ff:ff:ff:ff:ff")) {
            String w = Bridger.wrapperMac(mac);
            int first = Integer.parseInt(w.substring(0, 2), 16);
            assertEquals(w, 0x02, first & 0x03);
            assertNotEquals(mac, w);
            assertEquals("stable", w, Bridger.wrapperMac(mac));
        }
    }

    @Test
    public void bridgesInOrderAndEmitsLxcLines() throws Exception {
        FakeRunner runner = new FakeRunner();
        Settings s = Configs.settings(Map.of());
        NetworkPlan plan = plan(runner, s);
        IpState state = IpState.parse(IpStateTest.ADDR, IpStateTest.ROUTE4, IpStateTest.ROUTE6);
        Bridger b = new Bridger(runner, "lxcat");
        b.bridge(plan, state, "169.254.53.1");
        String mac = Bridger.wrapperMac("02:42:ac:12:00:05");
        assertEquals(List.of("ip link add name lxcat0 type bridge", "ip link set dev lxcat0 mtu 1500",
                "ip link set dev lxcat0 address " + mac, "ip link set dev eth0 down",
                "ip link set dev eth0 address " + mac, "ip address flush dev eth0 to 0.0.0.0/0",
                "ip address flush dev eth0 scope global to ::/0", "ip link set dev eth0 master lxcat0",
                "ip link set dev eth0 up", "ip link set dev lxcat0 up",
                "ip addr replace 169.254.53.1/32 dev lxcat0 scope link",
                "ip route replace 172.18.0.5/32 dev lxcat0 src 169.254.53.1"), runner.commands);
        assertEquals(List.of("lxc.net.0.type = veth", "lxc.net.0.link = lxcat0", "lxc.net.0.flags = up",
                "lxc.net.0.name = eth0", "lxc.net.0.hwaddr = 02:42:ac:12:00:05", "lxc.net.0.mtu = 1500"),
                b.lxcLines(plan));
    }

    @Test
    public void failureMidwayRestoresTheWrapper() throws Exception {
        FakeRunner runner = new FakeRunner();
        Settings s = Configs.settings(Map.of());
        NetworkPlan plan = plan(runner, s);
        IpState state = IpState.parse(IpStateTest.ADDR, IpStateTest.ROUTE4, IpStateTest.ROUTE6);
        runner.failOn = "ip link set dev eth0 master lxcat0";
        try {
            new Bridger(runner, "lxcat").bridge(plan, state, "169.254.53.1");
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("bridging eth0 failed, the wrapper's network was restored:"));
        }
        int failed = runner.commands.indexOf(runner.failOn);
        List<String> after = runner.commands.subList(failed + 1, runner.commands.size());
        assertEquals(List.of("ip link set dev eth0 nomaster", "ip link set dev eth0 down",
                "ip link set dev eth0 address 02:42:ac:12:00:05", "ip link set dev eth0 up", "ip link del dev lxcat0",
                "ip addr replace 172.18.0.5/16 dev eth0", "ip addr replace fd00:dead:beef::5/64 dev eth0",
                "ip -4 route replace default via 172.18.0.1 dev eth0",
                "ip -6 route replace default via fd00:dead:beef::1 dev eth0",
                "ip route replace 10.10.0.0/16 via 172.18.0.254 dev eth0 metric 20"), after);
    }

    @Test
    public void alreadyBridgedInterfaceIsKept() throws Exception {
        FakeRunner runner = new FakeRunner();
        Settings s = Configs.settings(Map.of());
        NetworkPlan plan = plan(runner, s);
        IpState bridged = IpState.parse(IpStateTest.ADDR.replace("\"link_netnsid\":0,", "\"link_netnsid\":0,\"master\":\"lxcat0\","),
                "[]", "[]");
        new Bridger(runner, "lxcat").bridge(plan, bridged, null);
        assertEquals(List.of(), runner.commands);
    }

    @Test
    public void foreignLinkWithTheBridgeNameIsRefused() throws Exception {
        FakeRunner runner = new FakeRunner();
        Settings s = Configs.settings(Map.of());
        NetworkPlan plan = plan(runner, s);
        IpState state = IpState.parse(IpStateTest.ADDR.replace("\"ifname\":\"eth1\"", "\"ifname\":\"lxcat0\""), "[]",
                "[]");
        try {
            new Bridger(runner, "lxcat").bridge(plan, state, null);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("a link named lxcat0 already exists"));
        }
        assertEquals(List.of(), runner.commands);
    }
}
