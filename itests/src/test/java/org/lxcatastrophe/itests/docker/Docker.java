package org.lxcatastrophe.itests.docker;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The docker CLI (and other commands) run as processes: argument arrays, timeouts, captured output. */
final class Docker {

    /** What a command printed and how it ended. */
    record Result(List<String> command, int exit, String out, String err) {
        String all() {
            return out + err;
        }

        /** This result, after checking the command succeeded (otherwise the test fails with its stderr). */
        Result ok() {
            if (exit != 0) {
                fail(String.join(" ", command) + " failed with status " + exit + ": " + tail(err.isBlank() ? out : err, 15));
            }
            return this;
        }
    }

    private Docker() {
    }

    static Result run(Duration timeout, String... command) {
        return run(timeout, Arrays.asList(command));
    }

    static Result run(Duration timeout, List<String> command) {
        File out = null;
        File err = null;
        try {
            out = File.createTempFile("docker-it-", ".out");
            err = File.createTempFile("docker-it-", ".err");
            Process p = new ProcessBuilder(command).redirectOutput(out).redirectError(err)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s; output: "
                        + tail(Files.readString(out.toPath(), StandardCharsets.UTF_8), 10)
                        + tail(Files.readString(err.toPath(), StandardCharsets.UTF_8), 10));
            }
            return new Result(List.copyOf(command), p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            if (out != null) {
                out.delete();
            }
            if (err != null) {
                err.delete();
            }
        }
    }

    /** {@code docker ARGS...}, which must succeed; its trimmed stdout. */
    static String docker(String... args) {
        return docker(Duration.ofMinutes(2), args);
    }

    static String docker(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(Arrays.asList(args));
        return run(timeout, cmd).ok().out().trim();
    }

    /** {@code docker ARGS...}, whatever its exit status. */
    static Result tryDocker(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(Arrays.asList(args));
        return run(Duration.ofMinutes(2), cmd);
    }

    static String inspect(String object, String format) {
        return docker("inspect", "-f", format, object);
    }

    /** Everything the container printed (stdout and stderr merged, in order of arrival as docker keeps it). */
    static String logs(String container) {
        Result r = tryDocker("logs", container);
        return r.out() + r.err();
    }

    /** Polls {@code condition} every half second until it holds; fails with {@code what} and the state described. */
    static void waitUntil(Duration timeout, String what, Supplier<Boolean> condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        if (condition.get()) {
            return;
        }
        fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; " + state.get());
    }

    static void assertExit(int expected, Result r) {
        assertEquals(String.join(" ", r.command()) + ": " + tail(r.all(), 10), expected, r.exit());
    }

    static String tail(String text, int lines) {
        String[] l = text.split("\n");
        return String.join("\n", Arrays.copyOfRange(l, Math.max(0, l.length - lines), l.length));
    }
}
