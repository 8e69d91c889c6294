package org.lxcatastrophe.api.container;

import java.time.Instant;
import java.util.List;

/**
 * What {@code lxcat:status} shows.
 *
 * @param name      container name
 * @param state     state
 * @param pid       host pid of the container's init, or -1
 * @param image     the image (e.g. {@code debian/bookworm/amd64/default 20261201_00:00}), or empty
 * @param startedAt when the container started, or {@code null}
 * @param addresses the container's addresses
 * @param message   the last error or note, or empty
 */
public record ContainerStatus(String name, ContainerState state, long pid, String image, Instant startedAt,
        List<String> addresses, String message) {
    public ContainerStatus {
        addresses = List.copyOf(addresses);
    }
}
