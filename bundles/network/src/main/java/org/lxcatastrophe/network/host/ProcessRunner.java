package org.lxcatastrophe.network.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;

/**
 * The network bundle's private command runner (same properties as the lifecycle's: argument arrays, never a
 * shell; a timeout; stderr in the error message).
 */
final class ProcessRunner implements CommandRunner {
    private static final Logger LOG = Logger.getLogger(ProcessRunner.class.getName());
    private final long timeoutSeconds;

    ProcessRunner(long timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public String run(List<String> command) throws LxcatException {
        LOG.fine(() -> "run: " + String.join(" ", command));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new LxcatException("cannot run " + command.get(0) + ": " + e.getMessage()
                    + " (is it installed and on the PATH?)", e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LxcatException("'" + String.join(" ", command) + "' did not finish within "
                        + timeoutSeconds + " s");
            }
            int status = process.exitValue();
            String stdout = out.get(5, TimeUnit.SECONDS);
            String stderr = err.get(5, TimeUnit.SECONDS).strip().replace('\n', ' ');
            if (status != 0) {
                throw new LxcatException("'" + String.join(" ", command) + "' failed with status " + status
                        + (stderr.isEmpty() ? "" : ": " + stderr));
            }
            return stdout;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LxcatException("interrupted while running " + command.get(0), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.FINE, "reading output failed", e);
            throw new LxcatException("cannot read the output of " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** {@code ip -batch -}: the commands on its standard input, one per line; names the step that failed. */
    @Override
    public void runIpBatch(List<List<String>> commands) throws LxcatException {
        StringBuilder script = new StringBuilder();
        for (List<String> c : commands) {
            for (String arg : c) {
                if (arg.isEmpty() || arg.chars().anyMatch(ch -> Character.isWhitespace(ch) || ch == '"' || ch == '\'' || ch == '\\' || ch == '#')) {
                    // ip's batch lines have their own quoting: such an argument goes the slow way, exactly
                    CommandRunner.super.runIpBatch(commands);
                    return;
                }
            }
            script.append(String.join(" ", c)).append('\n');
        }
        LOG.fine(() -> "run: ip -batch - <<\n" + script);
        Process process;
        try {
            process = new ProcessBuilder("ip", "-batch", "-").start();
        } catch (IOException e) {
            throw new LxcatException("cannot run ip: " + e.getMessage() + " (is iproute2 installed and on the PATH?)", e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            try (var stdin = process.getOutputStream()) {
                stdin.write(script.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // ip ended early (it stops at the first failing line): its status and stderr tell why
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LxcatException("'ip -batch -' did not finish within " + timeoutSeconds + " s");
            }
            out.get(5, TimeUnit.SECONDS);
            String stderr = err.get(5, TimeUnit.SECONDS);
            int status = process.exitValue();
            if (status != 0) {
                throw new LxcatException(batchFailure(commands, status, stderr));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LxcatException("interrupted while running ip", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.FINE, "reading output failed", e);
            throw new LxcatException("cannot read the output of ip: " + e.getMessage(), e);
        }
    }

    /** "'ip link set dev eth0 up' failed with status 1: Cannot find device" from ip's "Command failed -:N". */
    static String batchFailure(List<List<String>> commands, int status, String stderr) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Command failed -:(\\d+)").matcher(stderr);
        String step = "ip -batch";
        if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n >= 1 && n <= commands.size()) {
                step = "ip " + String.join(" ", commands.get(n - 1));
            }
        }
        String reason = stderr.replaceAll("Command failed -:\\d+", "").strip().replace('\n', ' ');
        return "'" + step + "' failed with status " + status + (reason.isEmpty() ? "" : ": " + reason);
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
