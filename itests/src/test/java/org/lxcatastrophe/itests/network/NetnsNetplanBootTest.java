package org.lxcatastrophe.itests.network;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/**
 * The netplan variant of the testbed image (Debian + netplan.io, DHCP in /etc/netplan/10-lxc.yaml) boots through
 * the Ubuntu adapter, which claims any netplan-configured image: the container has the wrapper's address, the
 * default route and answers SSH from the gateway side.
 */
public class NetnsNetplanBootTest extends NetnsTestCase {
    @Override
    protected String variant() {
        return "netplan";
    }

    @Test
    public void netplanImageBootsThroughTheUbuntuAdapter() throws Exception {
        String name = "lxn-np-" + bed.id;
        Path resolv = bed.work.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + bed.gatewayIp + "\n");
        Map<String, String> env = bed.baseEnv(server, name);
        env.put("DIST_VARIANT", "netplan");
        NetnsTestbed.RuntimeProcess runtime = bed.startRuntime(env, resolv, null);
        runtime.waitForLog("container " + name + " is running", Duration.ofMinutes(4));
        String banner = bed.waitForSshBanner(bed.wrapperIp, Duration.ofSeconds(90));
        assertNotNull("no sshd banner from " + bed.wrapperIp + ":\n" + runtime.tail(), banner);
        assertTrue(runtime.log(), runtime.log().contains("distro adapter ubuntu configures the network (netplan installed"));

        NetnsTestbed.Result netplan = runtime.exec("cat", "/etc/netplan/10-lxc.yaml");
        assertEquals(netplan.output(), 0, netplan.exit());
        assertTrue(netplan.output(), netplan.output().contains(bed.wrapperIp + "/24"));
        assertFalse(netplan.output(), netplan.output().contains("dhcp4: true"));
        NetnsTestbed.Result mode = runtime.exec("stat", "-c", "%a %u", "/etc/netplan/10-lxc.yaml");
        assertEquals("600 0", mode.output().strip());

        // networkd applied what netplan generated: exactly the wrapper's address, and the default route
        NetnsTestbed.Result addr = runtime.exec("ip", "-o", "-4", "addr", "show", "dev", "eth0");
        List<String> v4 = addr.output().lines().filter(l -> l.contains(" inet ")).toList();
        assertEquals(addr.output(), 1, v4.size());
        assertTrue(v4.get(0), v4.get(0).contains("inet " + bed.wrapperIp + "/24 "));
        NetnsTestbed.Result route = runtime.exec("ip", "-4", "route", "show", "default");
        assertTrue(route.output(), route.output().startsWith("default via " + bed.gatewayIp + " dev eth0"));
        NetnsTestbed.Result mac = runtime.exec("cat", "/sys/class/net/eth0/address");
        assertEquals(bed.mac, mac.output().strip());
        String ping = bed.inGateway("ping", "-c", "1", "-W", "3", bed.wrapperIp);
        assertTrue(ping, ping.contains("1 received"));

        assertEquals("exit status after SIGTERM:\n" + runtime.tail(), 0, runtime.terminate(Duration.ofSeconds(60)));
    }
}
