package org.lxcatastrophe.lifecycle.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.container.ContainerDriver;
import org.lxcatastrophe.api.container.ContainerSpec;
import org.lxcatastrophe.api.container.ContainerState;
import org.lxcatastrophe.api.container.ExecResult;

/**
 * Drives one container through LXC's tools. {@code lxc-start -F} runs as a direct child of the JVM (so no
 * daemonised monitor is orphaned and its exit tells us at once that the container ended); LXC writes the console to
 * {@code lxc.console.logfile}, which a {@link ConsolePump} copies to our stdout. (In the foreground without a
 * terminal, lxc-start does not relay the console itself.)
 */
public final class LxcDriver implements ContainerDriver {

    static final String CONSOLE_LOG = "console.log";
    static final String LXC_LOG = "lxc.log";
    private static final Logger LOG = Logger.getLogger(LxcDriver.class.getName());
    private static final Duration QUICK = Duration.ofSeconds(10);

    private final CommandRunner runner;
    private final Consumer<String> console;
    private final Duration startTimeout;
    private volatile Process monitor;
    private volatile ConsolePump pump;
    private final List<String> lxcOutput = Collections.synchronizedList(new ArrayList<>());

    public LxcDriver(CommandRunner runner, Consumer<String> console, Duration startTimeout) {
        this.runner = runner;
        this.console = console;
        this.startTimeout = startTimeout;
    }

    /** Fails with the package to install when LXC's tools are missing. */
    public void checkTools() throws LxcatException {
        for (String tool : List.of("lxc-start", "lxc-stop", "lxc-info", "lxc-attach", "newuidmap", "newgidmap")) {
            runner.requireTool(tool);
        }
    }

    private static List<String> base(String tool, ContainerSpec spec) {
        return new ArrayList<>(List.of(tool, "-P", spec.lxcPath().toString(), "-n", spec.name()));
    }

    @Override
    public synchronized void start(ContainerSpec spec) throws LxcatException {
        if (monitor != null && monitor.isAlive()) {
            throw new LxcatException("container " + spec.name() + " is already running");
        }
        Path consoleLog = spec.directory().resolve(CONSOLE_LOG);
        Path lxcLog = spec.directory().resolve(LXC_LOG);
        try {
            Files.deleteIfExists(consoleLog);
            Files.deleteIfExists(lxcLog);
        } catch (IOException e) {
            throw new LxcatException("cannot reset the logs in " + spec.directory() + ": " + e.getMessage(), e);
        }
        lxcOutput.clear();
        ConsolePump p = new ConsolePump(consoleLog, console);
        p.start();
        pump = p;
        List<String> cmd = base("lxc-start", spec);
        cmd.add("-F");
        Process proc = runner.start(cmd);
        monitor = proc;
        try {
            proc.getOutputStream().close();
        } catch (IOException e) {
            // nothing to close
        }
        // two pipes, two readers: with stderr merged into stdout (one thread less) the test image's systemd did not
        // come up ("Failed to connect to bus" in LxcLifecycleRealTest), so lxc-start keeps separate streams
        follow(proc.getInputStream());
        follow(proc.getErrorStream());
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            if (!proc.isAlive()) {
                waitQuietly(proc);
                p.stop();
                throw new LxcatException("container " + spec.name() + " failed to start: " + lxcError(lxcLog));
            }
            ContainerState s = state(spec);
            if (s == ContainerState.RUNNING) {
                proc.onExit().thenRun(p::stop);
                LOG.info("container " + spec.name() + " is running (init pid " + initPid(spec) + ")");
                return;
            }
            if (System.nanoTime() > deadline) {
                runner.run(List.of("lxc-stop", "-P", spec.lxcPath().toString(), "-n", spec.name(), "-k"), QUICK);
                proc.destroyForcibly();
                p.stop();
                throw new LxcatException("container " + spec.name() + " did not reach RUNNING within "
                        + startTimeout.toSeconds() + " s: " + lxcError(lxcLog));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LxcatException("start of container " + spec.name() + " was interrupted");
            }
        }
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void follow(java.io.InputStream in) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        lxcOutput.add(line.strip());
                        LOG.fine("lxc-start: " + line.strip());
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }, "lxcat-lxc-start-output");
        t.setDaemon(true);
        t.start();
    }

    /** LXC's most telling error line: the first ERROR from lxc-start's output or its log file. */
    String lxcError(Path lxcLog) {
        try {
            Thread.sleep(100);   // let the output threads catch up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> lines = new ArrayList<>();
        synchronized (lxcOutput) {
            lines.addAll(lxcOutput);
        }
        try {
            if (Files.exists(lxcLog)) {
                lines.addAll(Files.readAllLines(lxcLog));
            }
        } catch (IOException e) {
            // keep what we have
        }
        for (String l : lines) {
            if (l.contains("ERROR") && !l.contains("Failed to run lxc.hook") && !l.contains("failed to start")
                    && !l.contains("Failed to spawn")) {
                return clean(l);
            }
        }
        for (String l : lines) {
            if (l.contains("ERROR")) {
                return clean(l);
            }
        }
        return lines.isEmpty() ? "lxc-start exited without a message (see " + lxcLog + ")" : clean(lines.get(lines.size() - 1));
    }

    /** {@code lxc-start c1 20261203 ERROR start - ../src/lxc/start.c:... - Permission denied - x} -> the message part. */
    static String clean(String line) {
        int i = line.indexOf(" - ");
        if (line.contains("ERROR") && i >= 0) {
            String rest = line.substring(i + 3);
            int j = rest.indexOf(" - ");
            if (rest.matches("^[^ ]+:\\d+ .*") && j >= 0) {
                rest = rest.substring(j + 3);
            }
            return rest.strip();
        }
        return line.strip();
    }

    /** Completes with lxc-start's exit status when the container has ended. */
    public CompletableFuture<Integer> exited() {
        Process p = monitor;
        if (p == null) {
            return CompletableFuture.completedFuture(0);
        }
        return p.onExit().thenApply(Process::exitValue);
    }

    /** Copies the rest of the console log to the sink and stops following it (after the container ended). */
    public void drainConsole() {
        ConsolePump cp = pump;
        if (cp != null) {
            cp.stop();
        }
    }

    /** Whether lxc-start is still running for this driver's container. */
    public boolean monitorAlive() {
        Process p = monitor;
        return p != null && p.isAlive();
    }

    @Override
    public boolean stop(ContainerSpec spec, Duration timeout) throws LxcatException {
        if (state(spec) == ContainerState.STOPPED && !monitorAlive()) {
            return true;
        }
        long secs = Math.max(1, timeout.toSeconds());
        List<String> clean = base("lxc-stop", spec);
        clean.addAll(List.of("--nokill", "-t", String.valueOf(secs)));
        CommandRunner.Result r = runner.run(clean, timeout.plusSeconds(5));
        boolean ok = r.ok();
        if (!ok) {
            LOG.warning("container " + spec.name() + " did not power off within " + secs + " s ("
                    + r.errorLine() + "); stopping it hard");
            List<String> kill = base("lxc-stop", spec);
            kill.add("-k");
            runner.run(kill, QUICK);
        }
        Process p = monitor;
        if (p != null) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ConsolePump cp = pump;
        if (cp != null) {
            cp.stop();
        }
        return ok;
    }

    @Override
    public ContainerState state(ContainerSpec spec) throws LxcatException {
        List<String> cmd = base("lxc-info", spec);
        cmd.addAll(List.of("-s", "-H"));
        CommandRunner.Result r = runner.run(cmd, QUICK);
        if (!r.ok()) {
            return ContainerState.STOPPED;   // "doesn't exist" and the like
        }
        return switch (r.stdout().trim()) {
            case "RUNNING" -> ContainerState.RUNNING;
            case "STARTING" -> ContainerState.STARTING;
            case "STOPPING", "ABORTING" -> ContainerState.STOPPING;
            default -> ContainerState.STOPPED;
        };
    }

    @Override
    public long initPid(ContainerSpec spec) throws LxcatException {
        List<String> cmd = base("lxc-info", spec);
        cmd.addAll(List.of("-p", "-H"));
        CommandRunner.Result r = runner.run(cmd, QUICK);
        String out = r.stdout().trim();
        return r.ok() && out.matches("\\d+") ? Long.parseLong(out) : -1;
    }

    @Override
    public ExecResult exec(ContainerSpec spec, List<String> command, Duration timeout) throws LxcatException {
        if (command.isEmpty()) {
            throw new LxcatException("exec needs a command, e.g. lxcat:exec systemctl is-system-running");
        }
        if (state(spec) != ContainerState.RUNNING) {
            throw new LxcatException("container " + spec.name() + " is not running: start it first (lxcat:start)");
        }
        List<String> cmd = base("lxc-attach", spec);
        cmd.addAll(List.of("--clear-env", "--set-var", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "--"));
        cmd.addAll(command);
        CommandRunner.Result r = runner.run(cmd, timeout);
        return new ExecResult(r.exitCode(), r.stdout(), r.stderr());
    }

    /** The last console lines this driver has seen, or the tail of the console log file. */
    public List<String> consoleLog(ContainerSpec spec, int lines) {
        ConsolePump p = pump;
        if (p != null) {
            return p.lastLines(lines);
        }
        try {
            List<String> all = Files.readAllLines(spec.directory().resolve(CONSOLE_LOG));
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
