package org.lxcatastrophe.network.host;

import java.util.List;

import org.lxcatastrophe.api.LxcatException;

/** Runs an external command (argument array, timeout, stderr in the error). Tests substitute it. */
interface CommandRunner {

    /** Runs {@code command} and returns its standard output; fails with the exit status and stderr. */
    String run(List<String> command) throws LxcatException;

    /**
     * Runs {@code ip} once for each of {@code commands} (each the arguments after "ip", no global options), in order,
     * stopping at the first that fails. The process runner does it with one {@code ip -batch -} (one process instead
     * of one per step: each costs a few milliseconds of the start); this default runs them one by one.
     */
    default void runIpBatch(List<List<String>> commands) throws LxcatException {
        for (List<String> c : commands) {
            List<String> full = new java.util.ArrayList<>(c.size() + 1);
            full.add("ip");
            full.addAll(c);
            run(full);
        }
    }
}
