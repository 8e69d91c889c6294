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

    /** Starts a long-running command whose output the caller reads. */
    Process start(List<String> command) throws LxcatException;
}
