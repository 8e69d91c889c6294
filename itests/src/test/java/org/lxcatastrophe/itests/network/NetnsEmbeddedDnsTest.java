package org.lxcatastrophe.itests.network;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.Test;

/**
 * Docker's user-defined networks: the wrapper's resolv.conf names {@code 127.0.0.11}, which answers only inside
 * the wrapper's own namespace. Simulated like Docker does it: a relay on 127.0.0.11:53 inside the wrapper
 * namespace whose upstream path does not depend on eth0 (dockerd resolves outside the container; here the relay
 * reaches the gateway's DNS stub over a side link that is not an eth* interface, so the runtime leaves it alone).
 * The container must get the runtime's forwarder (never a 127.x server) and resolve names through it.
 */
public class NetnsEmbeddedDnsTest extends NetnsTestCase {
    @Test
    public void namesResolveThroughTheForwarderWhenTheWrapperUses127_0_0_11() throws Exception {
        String name = "lxn-dns-" + bed.id;
        String side = "10.199." + (1 + Integer.parseInt(bed.id, 16) % 250);
        bed.addLink("dnslink", side + ".2/30", side + ".1/30");
        Path stubLog = bed.work.resolve("dns-stub.log");
        bed.dnsStub(bed.gateway, stubLog, "serve", "0.0.0.0", "53", "db.lxcat.test=192.0.2.53");
        Path relayLog = bed.work.resolve("dns-relay.log");
        bed.dnsStub(bed.wrapper, relayLog, "relay", "127.0.0.11", "53", side + ".1");
        Path resolv = bed.work.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver 127.0.0.11\nsearch lxcat.test\noptions ndots:0\n");

        NetnsTestbed.RuntimeProcess runtime = bed.startRuntime(bed.baseEnv(server, name), resolv, null);
        runtime.waitForLog("container " + name + " is running", Duration.ofMinutes(4));
        assertNotNull("no sshd banner:\n" + runtime.tail(), bed.waitForSshBanner(bed.wrapperIp, Duration.ofSeconds(90)));

        NetnsTestbed.Result conf = runtime.exec("cat", "/etc/resolv.conf");
        assertFalse("the container must never get a loopback nameserver: " + conf.output(),
                conf.output().matches("(?s).*nameserver 127\\..*"));
        assertTrue(conf.output(), conf.output().contains("nameserver 169.254.53.1"));
        // the forwarder's address is reached over eth0 by a host route, next to the wrapper's own address
        NetnsTestbed.Result route = runtime.exec("ip", "-4", "route", "get", "169.254.53.1");
        assertTrue(route.output(), route.output().contains("dev eth0"));
        NetnsTestbed.Result addr = runtime.exec("ip", "-o", "-4", "addr", "show", "dev", "eth0");
        assertEquals(addr.output(), 1, addr.output().lines().filter(l -> l.contains(" inet ")).count());

        NetnsTestbed.Result r = runtime.exec("getent", "hosts", "db.lxcat.test");
        assertEquals(r.output() + "\n" + runtime.tail(), 0, r.exit());
        assertTrue(r.output(), r.output().contains("192.0.2.53"));
        // the query went container -> forwarder (wrapper) -> 127.0.0.11 -> the stub over the side link
        assertTrue(Files.readString(relayLog), Files.readString(relayLog).contains("query db.lxcat.test 1 from 127."));
        assertTrue(Files.readString(stubLog), Files.readString(stubLog).contains("query db.lxcat.test 1 from " + side + ".2"));
        // and the wrapper's side link was not taken over
        String link = NetnsTestbed.sh("ip", "-n", bed.wrapper, "-o", "addr", "show", "dev", "dnslink");
        assertTrue(link, link.contains(side + ".2/30"));

        assertEquals("exit status after SIGTERM:\n" + runtime.tail(), 0, runtime.terminate(Duration.ofSeconds(60)));
    }
}
