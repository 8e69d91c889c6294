package org.lxcatastrophe.itests.network;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/**
 * Bad input, each in the wrapper namespace of its own test bed: the runtime exits non-zero with one clear SEVERE
 * line, leaves no container directory behind, and the wrapper's network ({@code ip -j link/addr/route}) is exactly
 * as before — also when bridging fails midway (the second of two interfaces cannot be bridged).
 */
public class NetnsBadInputTest extends NetnsTestCase {
    /** Runs the runtime to its end; asserts the exit status, the one error line and that nothing changed. */
    private String failingStart(Map<String, String> env, Path readOnly) throws Exception {
        String network = bed.settledWrapperNetwork();
        NetnsTestbed.RuntimeProcess runtime = bed.startRuntime(env, null, readOnly);
        int exit = runtime.waitForExit(Duration.ofMinutes(4));
        assertEquals("exit status:\n" + runtime.tail(), 1, exit);
        List<String> severe = runtime.logLines().stream().filter(l -> l.contains(" SEVERE ")).toList();
        assertEquals("exactly one error line:\n" + runtime.tail(), 1, severe.size());
        assertFalse("no stack trace:\n" + runtime.tail(), runtime.log().contains("\tat org."));
        Path dir = Path.of(env.get("CONTAINER_PATH"), env.get("CONTAINER_NAME"));
        assertFalse("a half-made container was left in " + dir, Files.exists(dir));
        bed.assertWrapperNetwork("the wrapper's network must be as before", network);
        System.out.println("bad input -> " + severe.get(0));
        return severe.get(0);
    }

    private Map<String, String> env(String what) {
        return bed.baseEnv(server, "lxn-bad-" + what + "-" + bed.id);
    }

    @Test
    public void noInterfaceToTakeOver() throws Exception {
        // like a container started with --network none: only lo (and a non-eth link)
        NetnsTestbed.sh("ip", "-n", bed.wrapper, "link", "set", "eth0", "down");
        NetnsTestbed.sh("ip", "-n", bed.wrapper, "link", "set", "eth0", "name", "ens9");
        NetnsTestbed.sh("ip", "-n", bed.wrapper, "link", "set", "ens9", "up");
        String line = failingStart(env("noif"), null);
        assertTrue(line, line.contains("no interface to take over"));
        assertTrue(line, line.contains("ens9"));
    }

    @Test
    public void interfaceWithoutAnAddress() throws Exception {
        bed.addLink("eth1", null, null);
        NetnsTestbed.sh("ip", "-n", bed.wrapper, "-6", "addr", "flush", "dev", "eth1", "scope", "global");
        Map<String, String> env = env("noaddr");
        env.put("NETWORK_INTERFACES", "eth0,eth1");
        String line = failingStart(env, null);
        assertTrue(line, line.contains("interface eth1 has no global IPv4 or IPv6 address"));
    }

    @Test
    public void unknownDistro() throws Exception {
        Map<String, String> env = env("dist");
        env.put("DIST_NAME", "nosuchdistro");
        String line = failingStart(env, null);
        assertTrue(line, line.contains("nosuchdistro"));
    }

    @Test
    public void unwritableContainerPath() throws Exception {
        Path ro = bed.work.resolve("readonly");
        Files.createDirectories(ro);
        Map<String, String> env = env("ro");
        env.put("CONTAINER_PATH", ro.resolve("containers").toString());
        String line = failingStart(env, ro);
        assertTrue(line, line.contains(ro.toString()));
        assertTrue(line, line.toLowerCase().contains("read-only"));
        assertTrue(line, line.contains("CONTAINER_PATH"));
    }

    @Test
    public void bridgingFailsMidwayAndTheWrapperIsRestored() throws Exception {
        // eth1 with an address of its own; a bridge named like eth1's (lxcat1) but not holding it makes the second bridge fail
        // after eth0 has been bridged
        String second = "10.198." + (1 + Integer.parseInt(bed.id, 16) % 250);
        bed.addLink("eth1", second + ".2/24", second + ".1/24");
        NetnsTestbed.sh("ip", "-n", bed.wrapper, "link", "add", "lxcat1", "type", "bridge");
        String line = failingStart(env("midway"), null);
        assertTrue(line, line.contains("a link named lxcat1 already exists"));
        String eth0 = NetnsTestbed.sh("ip", "-n", bed.wrapper, "-o", "addr", "show", "dev", "eth0");
        assertTrue(eth0, eth0.contains(bed.wrapperIp + "/24"));
        String ping = bed.inGateway("ping", "-c", "1", "-W", "3", bed.wrapperIp);
        assertTrue("the wrapper answers at its own address again: " + ping, ping.contains("1 received"));
    }
}
