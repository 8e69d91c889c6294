package org.lxcatastrophe.api.container;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.lxcatastrophe.api.LxcatException;

/**
 * The orchestration: image, idmap, network, distro adapter, ssh keys, LXC config, start, supervision.
 * Used by the administration shell and the health check.
 */
public interface ContainerLifecycle {

    ContainerStatus status();

    /** Prepares (if needed) and starts the container. */
    void start() throws LxcatException;

    /** Powers the container off (hard stop after the configured timeout). */
    void stop() throws LxcatException;

    void restart() throws LxcatException;

    ExecResult exec(List<String> command, Duration timeout) throws LxcatException;

    /** The last lines of the container's console output. */
    List<String> consoleLog(int lines);

    /** The services the lifecycle is wired to (service name -> description), for {@code lxcat:status}. */
    Map<String, String> wiring();
}
