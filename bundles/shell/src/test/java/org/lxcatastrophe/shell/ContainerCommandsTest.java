package org.lxcatastrophe.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.container.ContainerLifecycle;
import org.lxcatastrophe.api.container.ContainerState;
import org.lxcatastrophe.api.container.ContainerStatus;
import org.lxcatastrophe.api.container.ExecResult;

public class ContainerCommandsTest {

    /** Records calls; fails stop() like a lifecycle whose container is not running. */
    static class FakeLifecycle implements ContainerLifecycle {
        final List<String> calls = new ArrayList<>();

        @Override
        public ContainerStatus status() {
            return new ContainerStatus("web", ContainerState.RUNNING, 42, "", null, List.of(), "");
        }

        @Override
        public void start() {
            calls.add("start");
        }

        @Override
        public void stop() throws LxcatException {
            throw new LxcatException("container web is not running");
        }

        @Override
        public void restart() {
            calls.add("restart");
        }

        @Override
        public ExecResult exec(List<String> command, Duration timeout) {
            calls.add("exec " + command);
            return new ExecResult(3, "out\n", "err\n");
        }

        @Override
        public List<String> consoleLog(int lines) {
            List<String> l = new ArrayList<>();
            for (int i = 0; i < lines && i < 5; i++) {
                l.add("line " + i);
            }
            return l;
        }

        @Override
        public Map<String, String> wiring() {
            return Map.of();
        }
    }

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @Test
    public void startStopRestartReportOneLine() throws Exception {
        FakeLifecycle l = new FakeLifecycle();
        ContainerCommands c = new ContainerCommands();
        c.lifecycle = l;
        c.run(out, "started", ContainerLifecycle::start);
        try {
            c.run(out, "stopped", ContainerLifecycle::stop);
            fail("stop of a container that is not running must fail");
        } catch (ContainerCommands.CommandFailed e) {
            assertEquals("container web is not running", e.getMessage());
        }
        c.run(out, "restarted", ContainerLifecycle::restart);
        assertEquals(List.of("start", "restart"), l.calls);
        assertEquals("container web started\ncontainer web restarted\n", outBytes.toString());
    }

    @Test
    public void withoutLifecycleEveryContainerCommandFails() {
        ContainerCommands c = new ContainerCommands();
        try {
            c.start();
            fail("start without a lifecycle must fail");
        } catch (ContainerCommands.CommandFailed e) {
            assertEquals(ContainerCommands.NO_LIFECYCLE, e.getMessage());
        }
        try {
            c.exec("true");
            fail("exec without a lifecycle must fail");
        } catch (ContainerCommands.CommandFailed e) {
            assertEquals(ContainerCommands.NO_LIFECYCLE, e.getMessage());
        }
        c.lifecycle = new FakeLifecycle();
        try {
            c.exec();
            fail("exec without a command must fail");
        } catch (ContainerCommands.CommandFailed e) {
            assertTrue(e.getMessage().startsWith("usage: lxcat:exec"));
        }
    }

    @Test
    public void execPassesArgumentsAndReturnsTheStatus() throws Exception {
        FakeLifecycle l = new FakeLifecycle();
        assertEquals(3, ContainerCommands.exec(l, List.of("sh", "-c", "echo a b"), out, err));
        assertEquals(List.of("exec [sh, -c, echo a b]"), l.calls);
        assertEquals("out\nexit status 3\n", outBytes.toString());
        assertEquals("err\n", errBytes.toString());
    }

    /** A command failing inside the container makes lxcat:exec fail, so lxcat-shell exits non-zero as docker exec does. */
    @Test
    public void execOfAFailingCommandFailsAfterItsOutput() {
        ContainerCommands c = new ContainerCommands();
        c.lifecycle = new FakeLifecycle();
        PrintStream stdout = System.out;
        System.setOut(out);
        try {
            c.exec("sh", "-c", "exit 3");
            fail("a command exiting 3 must fail lxcat:exec");
        } catch (ContainerCommands.CommandFailed e) {
            assertEquals("sh exited with status 3", e.getMessage());
        } finally {
            System.setOut(stdout);
        }
        assertTrue(outBytes.toString(), outBytes.toString().endsWith("exit status 3\n"));
    }

    @Test
    public void consoleLogTakesALineCount() throws Exception {
        FakeLifecycle l = new FakeLifecycle();
        ContainerCommands.ConsoleLog.print(l, List.of("2"), out);
        assertEquals("line 0\nline 1\n", outBytes.toString());
    }

    /** A wrong argument is a failed command (lxcat-shell exits 1), not a usage line with exit status 0. */
    @Test
    public void consoleLogRefusesWrongArguments() {
        FakeLifecycle l = new FakeLifecycle();
        for (List<Object> args : List.<List<Object>>of(List.of("many"), List.of("-5"), List.of("0"), List.of("1e3"),
                List.of("9999999"), List.of("2", "3"))) {
            try {
                ContainerCommands.ConsoleLog.print(l, args, out);
                fail("accepted " + args);
            } catch (ContainerCommands.CommandFailed e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("usage: lxcat:console-log"));
            }
        }
        assertEquals("", outBytes.toString());
        try {
            ContainerCommands.ConsoleLog.print(null, List.of(), out);
            fail("no lifecycle must fail");
        } catch (ContainerCommands.CommandFailed e) {
            assertEquals(ContainerCommands.NO_LIFECYCLE, e.getMessage());
        }
    }
}
