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
