package org.lxcatastrophe.api.container;

/** Output and exit status of a command run inside the container. */
public record ExecResult(int exitCode, String stdout, String stderr) {
}
