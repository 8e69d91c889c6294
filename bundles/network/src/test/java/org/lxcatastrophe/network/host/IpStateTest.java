package org.lxcatastrophe.network.host;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;

import org.junit.Test;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.Route;

public class IpStateTest {
    /** What {@code ip -d -j addr show} prints in a dual-stack Docker container (trimmed). */
    static final String ADDR = """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"link_type":"loopback",
              "address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},
              {"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},
             {"ifindex":12,"link_index":13,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,
              "link_type":"ether","address":"02:42:ac:12:00:05","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,
              "linkinfo":{"info_kind":"veth"},
              "addr_info":[{"family":"inet","local":"172.18.0.5","prefixlen":16,"broadcast":"172.18.255.255","scope":"global","label":"eth0"},
              {"family":"inet6","local":"fd00:dead:beef::5","prefixlen":64,"scope":"global","nodad":true},
              {"family":"inet6","local":"fe80::42:acff:fe12:5","prefixlen":64,"scope":"link"}]},
             {"ifindex":14,"ifname":"eth1","mtu":1450,"link_type":"ether","address":"02:42:ac:13:00:02",
              "linkinfo":{"info_kind":"veth"},"addr_info":[]}]
            """;
    static final String ROUTE4 = """
            [{"dst":"default","gateway":"172.18.0.1","dev":"eth0","flags":[]},
             {"dst":"10.10.0.0/16","gateway":"172.18.0.254","dev":"eth0","metric":20,"flags":[]},
             {"dst":"172.18.0.0/16","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"172.18.0.5","flags":[]}]
            """;
    static final String ROUTE6 = """
            [{"dst":"fd00:dead:beef::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
             {"dst":"fe80::/64","dev":"eth0","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},
             {"dst":"default","gateway":"fd00:dead:beef::1","dev":"eth0","metric":1024,"flags":[],"pref":"medium"}]
            """;

    @Test
    public void parsesLinksAddressesAndRoutes() throws Exception {
        IpState state = IpState.parse(ADDR, ROUTE4, ROUTE6);
        assertEquals(3, state.links.size());
        IpState.Link eth0 = state.link("eth0");
        assertEquals("02:42:ac:12:00:05", eth0.mac());
        assertEquals(1500, eth0.mtu());
        assertEquals("veth", eth0.kind());
        assertNull(eth0.master());
        assertEquals(List.of(new IpAddress("172.18.0.5", 16), new IpAddress("fd00:dead:beef::5", 64)), eth0.addresses());
        assertEquals(List.of(), state.link("lo").addresses());
        assertEquals("172.18.0.1", state.defaultGateway("eth0", false));
        assertEquals("fd00:dead:beef::1", state.defaultGateway("eth0", true));
        assertNull(state.defaultGateway("eth1", false));
        assertEquals(List.of(new Route("10.10.0.0/16", "172.18.0.254", 20)), state.otherRoutes("eth0"));
    }

    @Test
    public void emptyOutputIsNoLinks() throws Exception {
        assertEquals(0, IpState.parse("", "[]", "").links.size());
    }

    @Test
    public void garbageIsAClearError() {
        try {
            IpState.parse("Usage: ip [ OPTIONS ]", "", "");
            org.junit.Assert.fail();
        } catch (org.lxcatastrophe.api.LxcatException e) {
            org.junit.Assert.assertTrue(e.getMessage(), e.getMessage().contains("ip -j"));
        }
    }
}
