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
        Output o = exec(command, null);
        if (o.status() != 0) {
            String stderr = o.stderr().strip().replace('\n', ' ');
            throw new LxcatException("'" + String.join(" ", command) + "' failed with status " + o.status()
                    + (stderr.isEmpty() ? "" : ": " + stderr));
        }
        return o.stdout();
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
        Output o = exec(List.of("ip", "-batch", "-"), script.toString());
        if (o.status() != 0) {
            throw new LxcatException(batchFailure(commands, o.status(), o.stderr()));
        }
    }

    private record Output(int status, String stdout, String stderr) {
    }

    /** Runs {@code command} with {@code stdin} (null: /dev/null) within the timeout; any exit status is returned. */
    private Output exec(List<String> command, String stdin) throws LxcatException {
        String label = String.join(" ", command);
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            process = pb.start();
        } catch (IOException e) {
            throw new LxcatException("cannot run " + command.get(0) + ": " + e.getMessage()
                    + " (is it installed and on the PATH?)", e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (stdin != null) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the command ended early (ip -batch stops at the first failing line): its status tells why
                }
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LxcatException("'" + label + "' did not finish within " + timeoutSeconds + " s");
            }
            return new Output(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LxcatException("interrupted while running " + command.get(0), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.FINE, "reading output failed", e);
            throw new LxcatException("cannot read the output of " + command.get(0) + ": " + e.getMessage(), e);
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
