package org.lxcatastrophe.api.network;

import java.util.List;

import org.lxcatastrophe.api.LxcatException;

/**
 * The wrapper's own network: captures the interfaces the Docker daemon gave it and bridges them to the
 * system container so that the container takes over their identity.
 */
public interface HostNetwork {

    /**
     * Captures the wrapper's interfaces (or recovers the plan saved by an earlier run when they are already
     * bridged). Changes nothing.
     */
    NetworkPlan capture() throws LxcatException;

    /**
     * Builds the bridges for {@code plan} and returns the {@code lxc.net.N.*} lines for them. If bridging fails
     * midway, the wrapper's network is restored before the exception is thrown.
     */
    List<String> bridge(NetworkPlan plan) throws LxcatException;
}
