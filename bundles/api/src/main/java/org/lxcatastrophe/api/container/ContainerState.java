package org.lxcatastrophe.api.container;

/** LXC's container states, plus the runtime's own steps before the container exists. */
public enum ContainerState {
    /** Nothing started yet, or configuration pending. */
    NEW,
    /** Fetching, extracting, configuring. */
    PREPARING,
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    /** The last start or run failed; see {@link ContainerStatus#message()}. */
    FAILED
}
