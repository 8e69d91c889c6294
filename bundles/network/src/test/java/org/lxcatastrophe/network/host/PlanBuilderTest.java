package org.lxcatastrophe.network.host;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.Route;

public class PlanBuilderTest {
    private static final ResolvConf DOCKER_EMBEDDED = ResolvConf.parse(
            "nameserver 127.0.0.11\noptions ndots:0\n# ExtServers: [host(10.9.9.9)]\n");
    private static final ResolvConf DEFAULT_BRIDGE = ResolvConf.parse("search corp.test\nnameserver 10.0.0.53\n");

    private static IpState state() throws Exception {
        return IpState.parse(IpStateTest.ADDR, IpStateTest.ROUTE4, IpStateTest.ROUTE6);
    }

    @Test
    public void defaultSelectionTakesEthWithAddressesOnly() throws Exception {
        Settings s = Configs.settings(Map.of());
        List<IpState.Link> links = PlanBuilder.select(state(), s);
        assertEquals(List.of("eth0"), links.stream().map(IpState.Link::name).toList());
    }

    @Test
    public void loopbackResolverMeansForwarder() throws Exception {
        Settings s = Configs.settings(Map.of());
        IpState state = state();
        PlanBuilder.Captured c = PlanBuilder.build(PlanBuilder.select(state, s), state, DOCKER_EMBEDDED, s);
        InterfacePlan eth0 = c.plan().interfaces().get(0);
        assertEquals("02:42:ac:12:00:05", eth0.mac());
        assertEquals(List.of(new IpAddress("172.18.0.5", 16), new IpAddress("fd00:dead:beef::5", 64)), eth0.addresses());
        assertEquals("172.18.0.1", eth0.gateway4());
        assertEquals("fd00:dead:beef::1", eth0.gateway6());
        assertEquals(List.of(new Route("10.10.0.0/16", "172.18.0.254", 20), new Route("169.254.53.1/32", null, -1)),
                eth0.routes());
        assertEquals(List.of("169.254.53.1"), c.plan().dns().servers());
        assertEquals(List.of("127.0.0.11"), c.upstreams());
        assertEquals(List.of("ndots:0"), c.plan().dns().options());
    }

    @Test
    public void reachableResolversArePassedOn() throws Exception {
        Settings s = Configs.settings(Map.of());
        IpState state = state();
        PlanBuilder.Captured c = PlanBuilder.build(PlanBuilder.select(state, s), state, DEFAULT_BRIDGE, s);
        assertEquals(List.of("10.0.0.53"), c.plan().dns().servers());
        assertEquals(List.of("corp.test"), c.plan().dns().search());
        assertEquals(List.of(), c.upstreams());
        assertEquals(1, c.plan().interfaces().get(0).routes().size());
    }

    @Test
    public void directModeNeverHandsOutLoopback() throws Exception {
        Settings s = Configs.settings(Map.of("network.dns.mode", "direct"));
        IpState state = state();
        PlanBuilder.Captured c = PlanBuilder.build(PlanBuilder.select(state, s), state,
                ResolvConf.parse("nameserver 127.0.0.11\n# ExtServers: [8.8.8.8]\n"), s);
        assertEquals(List.of("8.8.8.8"), c.plan().dns().servers());
    }

    @Test
    public void namedInterfaceWithoutAddressIsAClearError() throws Exception {
        Settings s = Configs.settings(Map.of("network.interfaces", "eth0,eth1"));
        IpState state = state();
        try {
            PlanBuilder.build(PlanBuilder.select(state, s), state, DEFAULT_BRIDGE, s);
            fail();
        } catch (LxcatException e) {
            assertEquals("interface eth1 has no global IPv4 or IPv6 address, so there is nothing to hand to the"
                    + " container; remove it from network.interfaces", e.getMessage());
        }
    }

    @Test
    public void unknownInterfaceIsAClearError() throws Exception {
        Settings s = Configs.settings(Map.of("network.interfaces", "eth7"));
        try {
            PlanBuilder.select(state(), s);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("network.interfaces names eth7 but there is no such"
                    + " interface (present: lo, eth0, eth1)"));
        }
    }

    @Test
    public void noInterfaceIsAClearError() throws Exception {
        Settings s = Configs.settings(Map.of());
        try {
            PlanBuilder.select(IpState.parse("[{\"ifname\":\"lo\",\"mtu\":65536,\"addr_info\":[]}]", "", ""), s);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("no interface to take over"));
        }
    }

    @Test
    public void badConfigurationNamesTheKey() {
        for (Object[] bad : new Object[][] {{"network.dns.mode", "sometimes"}, {"network.dns.address", "127.0.0.1"},
                {"network.interfaces", "eth0;rm -rf"}, {"network.bridge.prefix", "Bridge_Name_Too_Long"}}) {
            try {
                Configs.settings(Map.of((String) bad[0], bad[1]));
                fail(bad[0] + " accepted");
            } catch (org.lxcatastrophe.api.ConfigurationException e) {
                assertEquals(bad[0], e.key());
                assertTrue(e.getMessage(), e.getMessage().startsWith(bad[0] + " ("));
            } catch (Exception e) {
                fail(e.toString());
            }
        }
    }
}
