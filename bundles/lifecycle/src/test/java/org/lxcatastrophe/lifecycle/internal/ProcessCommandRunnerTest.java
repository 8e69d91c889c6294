package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.List;

import org.junit.Test;
import org.lxcatastrophe.api.LxcatException;

/** The command runner against real processes. */
public class ProcessCommandRunnerTest {

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    public void argumentsAreNotInterpretedByAShell() throws Exception {
        CommandRunner.Result r = runner.run(List.of("printf", "%s|", "a b", "$HOME", ";ls"), Duration.ofSeconds(5));
        assertEquals(0, r.exitCode());
        assertEquals("a b|$HOME|;ls|", r.stdout());
    }

    @Test
    public void failureCarriesStderr() throws Exception {
        try {
            runner.check(List.of("sh", "-c", "echo first >&2; echo 'the real reason' >&2; exit 3"), Duration.ofSeconds(5));
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().endsWith("failed (exit 3): the real reason"));
        }
    }

    @Test
    public void timeoutKillsAndSaysSo() throws Exception {
        long t0 = System.nanoTime();
        try {
            runner.run(List.of("sleep", "30"), Duration.ofMillis(300));
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("did not finish within"));
        }
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }

    @Test
    public void missingToolNamesTheDebianPackage() throws Exception {
        for (String[] c : new String[][] {{"lxc-nosuch-tool", "lxc"}, {"/nonexistent/newuidmap", "uidmap"},
                {"/nonexistent/ip", "iproute2"}}) {
            try {
                runner.run(List.of(c[0], "--version"), Duration.ofSeconds(5));
                fail();
            } catch (LxcatException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("install the Debian package " + c[1]));
            }
        }
    }

    @Test
    public void requireToolLooksThePathUp() throws Exception {
        runner.requireTool("sh");
        try {
            runner.requireTool("newuidmap-missing");
            fail();
        } catch (LxcatException e) {
            assertEquals("newuidmap-missing is not installed: install the Debian package newuidmap-missing"
                    + " (apt-get install newuidmap-missing)", e.getMessage());
        }
        try {
            runner.requireTool("lxc-frobnicate");
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage().contains("install the Debian package lxc "));
        }
    }
}
