package org.lxcatastrophe.itests.network;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * The real thing, with Docker simulated by network namespaces: the assembled distribution runs in the "wrapper"
 * namespace (eth0 with an address, a fixed MAC and a default route via the "gateway" namespace) and boots the
 * debootstrap Debian image through the Debian adapter. One boot serves every test; the methods run in name order
 * because the last ones change the runtime (hot deploy, SIGTERM).
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class NetnsDebianBootTest {
    private static NetnsTestbed bed;
    private static NetnsTestbed.RuntimeProcess runtime;
    private static Path key;
    private static String name;

    @BeforeClass
    public static void boot() throws Exception {
        NetnsTestbed.assumeUsable();
        Path server = NetnsTestbed.imageServer("default");
        bed = new NetnsTestbed();
        name = "lxn-deb-" + bed.id;
        // the DNS server of the "Docker network", on the gateway side
        bed.dnsStub(bed.gateway, bed.work.resolve("dns-stub.log"), "serve", bed.gatewayIp, "53",
                "web.lxcat.test=192.0.2.80");
        Path resolv = bed.work.resolve("resolv.conf");
        Files.writeString(resolv, "nameserver " + bed.gatewayIp + "\nsearch lxcat.test\noptions ndots:1\n");
        key = bed.work.resolve("id_ed25519");
        NetnsTestbed.sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "netns-test", "-f", key.toString());
        Map<String, String> env = bed.baseEnv(server, name);
        env.put("SSH_AUTHORIZED_KEYS", Files.readString(Path.of(key + ".pub")).strip());
        runtime = bed.startRuntime(env, resolv, null);
        runtime.waitForLog("container " + name + " is running", Duration.ofMinutes(4));
        assertNotNull("no sshd banner from " + bed.wrapperIp + ":\n" + runtime.tail(),
                bed.waitForSshBanner(bed.wrapperIp, Duration.ofSeconds(90)));
    }

    @AfterClass
    public static void cleanUp() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    public void a_gatewayReachesTheContainerAtTheWrappersAddress() throws Exception {
        String ping = bed.inGateway("ping", "-c", "2", "-W", "3", bed.wrapperIp);
        assertTrue(ping, ping.contains("2 received"));
        String banner = bed.sshBanner(bed.wrapperIp);
        assertNotNull("port 22 of " + bed.wrapperIp + " gives no SSH banner", banner);
        assertTrue(banner, banner.contains("Debian"));
        // the gateway's neighbour entry for the wrapper's address is the original MAC (the container's veth)
        String neigh = bed.inGateway("ip", "neigh", "show", bed.wrapperIp);
        assertTrue(neigh, neigh.contains(bed.mac));
    }

    @Test
    public void b_sshLoginWithTheTestKeyRunsACommand() throws Exception {
        org.junit.Assume.assumeTrue("no ssh client", Files.isExecutable(Path.of("/usr/bin/ssh")));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        NetnsTestbed.Result r = NetnsTestbed.run(Duration.ofSeconds(60), "ip", "netns", "exec", bed.gateway, "ssh",
                "-i", key.toString(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "root@" + bed.wrapperIp,
                "cat /etc/lxcat-testbed; hostname");
        assertEquals(r.output(), 0, r.exit());
        assertTrue(r.output(), r.output().contains("lxcatastrophe testbed image (default)"));
        assertTrue(r.output(), r.output().contains(name));
    }

    @Test
    public void c_containerHasExactlyTheWrappersIdentity() throws Exception {
        NetnsTestbed.Result addr = runtime.exec("ip", "-o", "-4", "addr", "show", "dev", "eth0");
        assertEquals(addr.output(), 0, addr.exit());
        List<String> v4 = addr.output().lines().filter(l -> l.contains(" inet ")).toList();
        assertEquals("exactly the wrapper's address, no second (DHCP) one: " + addr.output(), 1, v4.size());
        assertTrue(v4.get(0), v4.get(0).contains("inet " + bed.wrapperIp + "/24 "));
        assertFalse("a static address, not a DHCP lease: " + v4.get(0), v4.get(0).contains("dynamic"));
        NetnsTestbed.Result link = runtime.exec("cat", "/sys/class/net/eth0/address");
        assertEquals(bed.mac, link.output().strip());
        NetnsTestbed.Result route = runtime.exec("ip", "-4", "route", "show", "default");
        assertTrue(route.output(), route.output().matches("(?s)default via " + java.util.regex.Pattern.quote(bed.gatewayIp)
                + " dev eth0.*"));
        // the adapter the log names, and no DHCP client configured for eth0 any more
        assertTrue(runtime.log(), runtime.log().contains("distro adapter debian configures the network"));
        NetnsTestbed.Result interfaces = runtime.exec("cat", "/etc/network/interfaces");
        assertTrue(interfaces.output(), interfaces.output().contains("iface eth0 inet static"));
        assertFalse(interfaces.output(), interfaces.output().contains("dhcp"));
        // the wrapper side: eth0 is in the bridge with a new locally administered MAC and no address of its own
        String wrapperAddr = NetnsTestbed.sh("ip", "-n", bed.wrapper, "-o", "addr", "show", "dev", "eth0");
        assertFalse(wrapperAddr, wrapperAddr.contains(bed.wrapperIp));
        String wrapperLink = NetnsTestbed.sh("ip", "-n", bed.wrapper, "-o", "link", "show", "dev", "eth0");
        assertTrue(wrapperLink, wrapperLink.contains("master lxcat0"));
        assertFalse(wrapperLink, wrapperLink.contains(bed.mac));
    }

    @Test
    public void d_namesResolveThroughTheGatewaysDnsServer() throws Exception {
        NetnsTestbed.Result resolv = runtime.exec("cat", "/etc/resolv.conf");
        assertTrue(resolv.output(), resolv.output().contains("nameserver " + bed.gatewayIp));
        assertFalse("the container must never get a loopback nameserver: " + resolv.output(),
                resolv.output().matches("(?s).*nameserver 127\\..*"));
        assertTrue(resolv.output(), resolv.output().contains("search lxcat.test"));
        NetnsTestbed.Result r = runtime.exec("getent", "hosts", "web.lxcat.test");
        assertEquals(r.output(), 0, r.exit());
        assertTrue(r.output(), r.output().contains("192.0.2.80"));
        NetnsTestbed.Result missing = runtime.exec("getent", "hosts", "nothing.lxcat.test");
        assertEquals("NXDOMAIN: " + missing.output(), 2, missing.exit());
        String stub = Files.readString(bed.work.resolve("dns-stub.log"));
        assertTrue(stub, stub.contains("query web.lxcat.test 1 from " + bed.wrapperIp));
    }

    /**
     * Hot deploy: without the Debian bundle in deploy/ no adapter recognises the image, so the next start refuses with
     * a line listing the installed adapters (and the wrapper's network stays as it is); put back, lxcat:restart works.
     */
    @Test
    public void e_hotDeployChangesTheAdapterOfTheNextStart() throws Exception {
        Path jar;
        try (var s = Files.list(bed.dist.resolve("deploy"))) {
            jar = s.filter(p -> p.getFileName().toString().startsWith("org.lxcatastrophe.distro.debian-")).findFirst()
                    .orElseThrow();
        }
        Path aside = bed.work.resolve(jar.getFileName());
        Files.move(jar, aside);
        NetnsTestbed.waitFor(() -> !bed.shell("lxcat:distros").output().matches("(?s).*\\ndebian .*"),
                Duration.ofSeconds(30), () -> "lxcat:distros still lists debian:\n" + bed.shell("lxcat:distros").output());
        String distros = bed.shell("lxcat:distros").output();
        assertTrue(distros, distros.contains("ubuntu"));

        NetnsTestbed.Result stop = bed.shell("lxcat:stop");
        assertEquals(stop.output(), 0, stop.exit());
        // stopped: the container's veth is gone, the bridge stays for the next start
        String network = bed.wrapperNetwork();
        NetnsTestbed.Result start = bed.shell("lxcat:start");
        assertEquals("the start must fail: " + start.output(), 1, start.exit());
        String line = start.output().lines().filter(l -> l.contains("no distro adapter recognises")).findFirst()
                .orElseThrow(() -> new AssertionError(start.output()));
        assertTrue(line, line.contains("ID=debian"));
        assertTrue(line, line.contains("installed adapters: alpine, networkd, redhat, suse, ubuntu"));
        assertTrue(line, line.contains("deploy/"));
        assertTrue("the runtime keeps running after a failed shell start", runtime.process.isAlive());
        assertEquals("the wrapper's network must not change when no adapter fits", network, bed.wrapperNetwork());
        String status = bed.shell("lxcat:status").output();
        assertTrue(status, status.contains("no distro adapter recognises"));
        // port 22 is gone: the container is stopped
        assertEquals(null, bed.sshBanner(bed.wrapperIp));

        Files.move(aside, jar);
        NetnsTestbed.waitFor(() -> bed.shell("lxcat:distros").output().matches("(?s).*\\ndebian .*"),
                Duration.ofSeconds(30), () -> "lxcat:distros does not list debian again");
        int before = count(runtime.log(), "distro adapter debian configures the network");
        NetnsTestbed.Result again = bed.shell("lxcat:restart");
        assertEquals(again.output(), 0, again.exit());
        assertEquals(before + 1, count(runtime.log(), "distro adapter debian configures the network"));
        assertNotNull("no sshd banner after putting distro.debian back:\n" + runtime.tail(),
                bed.waitForSshBanner(bed.wrapperIp, Duration.ofSeconds(90)));
        NetnsTestbed.Result addr = runtime.exec("ip", "-o", "-4", "addr", "show", "dev", "eth0");
        assertEquals(addr.output(), 1, addr.output().lines().filter(l -> l.contains(" inet ")).count());
    }

    @Test
    public void z_sigtermPowersTheContainerOffCleanly() throws Exception {
        int exit = runtime.terminate(Duration.ofSeconds(60));
        assertEquals("exit status after SIGTERM:\n" + runtime.tail(), 0, exit);
        assertTrue(runtime.tail(), runtime.log().contains("container " + name + " powered off cleanly"));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
