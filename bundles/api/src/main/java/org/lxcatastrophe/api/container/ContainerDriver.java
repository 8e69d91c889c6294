package org.lxcatastrophe.api.container;

import java.time.Duration;
import java.util.List;

import org.lxcatastrophe.api.LxcatException;

/** Drives one LXC container through LXC's own tools. */
public interface ContainerDriver {

    /** Starts the container (its config must be written) and returns once LXC reports it RUNNING. */
    void start(ContainerSpec spec) throws LxcatException;

    /**
     * Asks the container's init to power off; after {@code timeout} stops it hard.
     *
     * @return true if it powered off cleanly within the timeout
     */
    boolean stop(ContainerSpec spec, Duration timeout) throws LxcatException;

    /** LXC's view of the container: state and init pid. */
    ContainerState state(ContainerSpec spec) throws LxcatException;

    long initPid(ContainerSpec spec) throws LxcatException;

    /** Runs a command inside the container (argument array, no shell) with a timeout. */
    ExecResult exec(ContainerSpec spec, List<String> command, Duration timeout) throws LxcatException;
}
