package org.lxcatastrophe.lifecycle.internal;

import java.time.Duration;
import java.util.List;

import org.lxcatastrophe.api.LxcatException;

/**
 * Runs external commands: argument arrays (never a shell string), a timeout, stdout and stderr captured.
 * Tests substitute it.
 */
public interface CommandRunner {

    /** Output and exit status of a finished command. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The last non-empty line of stderr (or stdout), the line worth showing a user. */
        public String errorLine() {
            String line = lastLine(stderr);
            return line.isEmpty() ? lastLine(stdout) : line;
        }

        private static String lastLine(String text) {
            String[] lines = text.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    /** Runs {@code command} to completion; fails only if it cannot be started or times out. */
    Result run(List<String> command, Duration timeout) throws LxcatException;

    /** Runs {@code command} and fails with its stderr when it exits non-zero. */
    default Result check(List<String> command, Duration timeout) throws LxcatException {
        Result r = run(command, timeout);
        if (!r.ok()) {
            throw new LxcatException(String.join(" ", command) + " failed (exit " + r.exitCode() + "): " + r.errorLine());
        }
        return r;
    }

    /**
     * Fails with the Debian package to install when {@code tool} is not an executable on the {@code PATH} (checked
     * without running it, so that the start of the container is not delayed).
     */
    default void requireTool(String tool) throws LxcatException {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
                return;
            }
        }
        throw new LxcatException(tool + " is not installed: install the Debian package " + ProcessCommandRunner.packageOf(tool)
                + " (apt-get install " + ProcessCommandRunner.packageOf(tool) + ")");
    }

    /** Starts a long-running command whose output the caller reads. */
    Process start(List<String> command) throws LxcatException;
}
