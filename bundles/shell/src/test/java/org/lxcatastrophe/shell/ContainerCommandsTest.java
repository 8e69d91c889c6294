package org.lxcatastrophe.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

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
    public void startStopRestartReportOneLine() {
        FakeLifecycle l = new FakeLifecycle();
        ContainerCommands c = new ContainerCommands();
        c.lifecycle = l;
        c.run(out, "started", ContainerLifecycle::start);
        // a failure is thrown on with its one line, so the shell answers status 1 (lxcat-shell exits 1)
        try {
            c.run(out, "stopped", ContainerLifecycle::stop);
            org.junit.Assert.fail("a failed stop must throw");
        } catch (ContainerCommands.CommandFailedException e) {
            assertEquals("container web is not running", e.getMessage());
        }
        c.run(out, "restarted", ContainerLifecycle::restart);
        assertEquals(List.of("start", "restart"), l.calls);
        assertEquals("container web started\ncontainer web restarted\n", outBytes.toString());
    }

    @Test
    public void execPassesArgumentsAndReturnsTheStatus() {
        FakeLifecycle l = new FakeLifecycle();
        assertEquals(3, ContainerCommands.exec(l, List.of("sh", "-c", "echo a b"), out, err));
        assertEquals(List.of("exec [sh, -c, echo a b]"), l.calls);
        assertEquals("out\nexit status 3\n", outBytes.toString());
        assertEquals("err\n", errBytes.toString());
        assertEquals(2, ContainerCommands.exec(l, List.of(), out, err));
        assertEquals(1, ContainerCommands.exec(null, List.of("true"), out, err));
        assertTrue(errBytes.toString().contains("No container lifecycle service"));
    }

    @Test
    public void consoleLogTakesALineCount() {
        FakeLifecycle l = new FakeLifecycle();
        ContainerCommands.ConsoleLog.print(l, List.of("2"), out);
        assertEquals("line 0\nline 1\n", outBytes.toString());
        outBytes.reset();
        ContainerCommands.ConsoleLog.print(l, List.of("many"), out);
        assertTrue(outBytes.toString().startsWith("usage: lxcat:console-log"));
    }
}
