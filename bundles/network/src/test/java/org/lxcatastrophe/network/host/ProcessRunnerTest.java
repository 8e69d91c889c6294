package org.lxcatastrophe.network.host;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;

import org.junit.Assume;
import org.junit.Test;
import org.lxcatastrophe.api.LxcatException;

/** The real {@code ip -batch -} path (read-only commands only: nothing of this machine's network changes). */
public class ProcessRunnerTest {

    private static boolean ipInstalled() {
        return new java.io.File("/usr/sbin/ip").canExecute() || new java.io.File("/sbin/ip").canExecute()
                || new java.io.File("/usr/bin/ip").canExecute();
    }

    @Test
    public void aBatchRunsEveryLineInOneProcessAndNamesTheStepThatFailed() throws Exception {
        Assume.assumeTrue("iproute2 is not installed", ipInstalled());
        ProcessRunner runner = new ProcessRunner(10);
        runner.runIpBatch(List.of(List.of("link", "show", "dev", "lo"), List.of("address", "show", "dev", "lo")));
        try {
            runner.runIpBatch(List.of(List.of("link", "show", "dev", "lo"), List.of("link", "show", "dev", "lxcat-nosuch0"),
                    List.of("link", "show", "dev", "lo")));
            fail("a failing line did not fail the batch");
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("'ip link show dev lxcat-nosuch0' failed with status 1: "));
            assertTrue(e.getMessage(), e.getMessage().contains("lxcat-nosuch0") && !e.getMessage().contains("Command failed"));
        }
    }

    @Test
    public void anArgumentIpsBatchSyntaxWouldChangeRunsOnItsOwn() throws Exception {
        Assume.assumeTrue("iproute2 is not installed", ipInstalled());
        try {
            new ProcessRunner(10).runIpBatch(List.of(List.of("link", "show", "dev", "no such")));
            fail("a device name with a space was found");
        } catch (LxcatException e) {
            // run as one argument (the slow way), not split into "no" and "such" by ip's batch parser
            assertTrue(e.getMessage(), e.getMessage().startsWith("'ip link show dev no such' failed"));
        }
    }

    @Test
    public void theFailureNamesTheLineIpReports() {
        List<List<String>> steps = List.of(List.of("link", "set", "dev", "eth0", "down"), List.of("link", "set", "dev", "eth0", "master", "br0"));
        assertEquals("'ip link set dev eth0 master br0' failed with status 1: RTNETLINK answers: Operation not permitted",
                ProcessRunner.batchFailure(steps, 1, "RTNETLINK answers: Operation not permitted\nCommand failed -:2\n"));
        assertEquals("'ip -batch' failed with status 255: Object \"x\" is unknown",
                ProcessRunner.batchFailure(steps, 255, "Object \"x\" is unknown\n"));
    }
}
