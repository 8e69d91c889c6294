package org.lxcatastrophe.network.host;

import java.util.List;

import org.lxcatastrophe.api.LxcatException;

/** Runs an external command (argument array, timeout, stderr in the error). Tests substitute it. */
interface CommandRunner {

    /** Runs {@code command} and returns its standard output; fails with the exit status and stderr. */
    String run(List<String> command) throws LxcatException;
}
