package org.lxcatastrophe.lifecycle.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;

/** The command runner on {@link ProcessBuilder}. */
public final class ProcessCommandRunner implements CommandRunner {

    private static final Logger LOG = Logger.getLogger(ProcessCommandRunner.class.getName());

    /** Which Debian package ships a tool, for the "missing tool" message. */
    private static final Map<String, String> PACKAGES = Map.of(
            "newuidmap", "uidmap", "newgidmap", "uidmap", "ip", "iproute2", "bridge", "iproute2",
            "brctl", "bridge-utils", "tar", "tar", "xz", "xz-utils");

    /** The Debian package that provides {@code tool}. */
    static String packageOf(String tool) {
        String name = tool.substring(tool.lastIndexOf('/') + 1);
        if (name.startsWith("lxc-")) {
            return "lxc";
        }
        return PACKAGES.getOrDefault(name, name);
    }

    @Override
    public Result run(List<String> command, Duration timeout) throws LxcatException {
        Process p = start(command);
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                String e = err.getNow("").strip();
                throw new LxcatException(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                        + " s" + (e.isEmpty() ? "" : ": " + e.lines().reduce((a, b) -> b).orElse("")));
            }
            Result r = new Result(List.copyOf(command), p.exitValue(), out.get(5, TimeUnit.SECONDS),
                    err.get(5, TimeUnit.SECONDS));
            LOG.fine(() -> "ran " + command + " -> " + r.exitCode());
            return r;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LxcatException(String.join(" ", command) + " was interrupted", e);
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new LxcatException("cannot read the output of " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Process start(List<String> command) throws LxcatException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        try {
            return new ProcessBuilder(command).start();
        } catch (IOException e) {
            String tool = command.get(0);
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("error=2") || msg.contains("No such file")) {
                throw new LxcatException(tool + " is not installed: install the Debian package " + packageOf(tool)
                        + " (apt-get install " + packageOf(tool) + ")", e);
            }
            LOG.log(Level.FINE, "cannot start " + command, e);
            throw new LxcatException("cannot run " + tool + ": " + msg, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return b.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> {
            Thread t = new Thread(r, "lxcat-cmd-output");
            t.setDaemon(true);
            t.start();
        });
    }
}
