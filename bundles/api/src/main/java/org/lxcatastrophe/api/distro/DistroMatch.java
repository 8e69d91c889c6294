package org.lxcatastrophe.api.distro;

/**
 * A distro adapter's claim on a rootfs. The adapter with the highest rank configures the container.
 *
 * @param rank   how specific the match is: 100 for an exact {@code ID}, 50 for {@code ID_LIKE}, lower for a guess
 * @param reason one line for the log, e.g. {@code ID=debian VERSION_ID=12, ifupdown}
 */
public record DistroMatch(int rank, String reason) {
}
