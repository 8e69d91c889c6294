package org.lxcatastrophe.lifecycle.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;

/**
 * Prepares cgroup v2 for LXC: a cgroup with processes in it cannot enable controllers for its children ("no internal
 * processes"), so LXC fails with "Device or resource busy - Could not enable ... controllers in the unified cgroup".
 * We move our own cgroup's processes into a child cgroup and enable the controllers for children. On cgroup v1
 * (and hybrid) nothing needs doing.
 */
public final class CgroupPreparer {

    static final String CHILD = "lxcatastrophe";
    private static final Logger LOG = Logger.getLogger(CgroupPreparer.class.getName());

    /** What {@link #apply} will do. */
    public record Plan(boolean v2, Path cgroup, Path child, List<String> pidsToMove, List<String> controllersToEnable) {
        boolean nothingToDo() {
            return !v2 || (pidsToMove.isEmpty() && controllersToEnable.isEmpty());
        }
    }

    private final HostEnvironment env;

    public CgroupPreparer(HostEnvironment env) {
        this.env = env;
    }

    /** Decides from the (possibly fake) cgroup tree what needs doing. */
    public Plan plan() throws LxcatException {
        if (!env.cgroupV2()) {
            return new Plan(false, null, null, List.of(), List.of());
        }
        Path fs = env.root().resolve("sys/fs/cgroup");
        try {
            String own = "/";
            for (String line : Files.readAllLines(env.root().resolve("proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    own = line.substring(3).trim();
                }
            }
            Path cgroup = own.equals("/") ? fs : fs.resolve(own.substring(1));
            Set<String> available = words(cgroup.resolve("cgroup.controllers"));
            Set<String> enabled = words(cgroup.resolve("cgroup.subtree_control"));
            List<String> missing = new ArrayList<>(available);
            missing.removeAll(enabled);
            // The real root cgroup (no cgroup.type file) may hold processes and enable controllers; never empty it.
            boolean realRoot = !Files.exists(cgroup.resolve("cgroup.type"));
            List<String> pids = new ArrayList<>();
            if (!missing.isEmpty() && !realRoot) {
                for (String p : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                    if (!p.isBlank()) {
                        pids.add(p.trim());
                    }
                }
            }
            return new Plan(true, cgroup, cgroup.resolve(CHILD), pids, missing);
        } catch (IOException e) {
            throw new LxcatException("cannot read the cgroup v2 tree: " + e.getMessage()
                    + "; mount /sys/fs/cgroup read-write (docker run -v /sys/fs/cgroup:/sys/fs/cgroup:rw or --cgroupns=private)", e);
        }
    }

    /** Moves the processes and enables the controllers, as planned. */
    public void apply(Plan plan) throws LxcatException {
        if (plan.nothingToDo()) {
            return;
        }
        try {
            if (!plan.pidsToMove().isEmpty()) {
                Files.createDirectories(plan.child());
                for (String pid : plan.pidsToMove()) {
                    try {
                        Files.writeString(plan.child().resolve("cgroup.procs"), pid + "\n");
                    } catch (IOException e) {
                        // the process may have exited since we listed it
                        LOG.fine("could not move pid " + pid + " to " + plan.child() + ": " + e.getMessage());
                    }
                }
                LOG.info("cgroup v2: moved " + plan.pidsToMove().size() + " process(es) from " + plan.cgroup() + " into "
                        + plan.child() + " so that controllers can be delegated to the container");
            }
            List<String> failed = new ArrayList<>();
            for (String c : plan.controllersToEnable()) {
                try {
                    Files.writeString(plan.cgroup().resolve("cgroup.subtree_control"), "+" + c + "\n");
                } catch (IOException e) {
                    failed.add(c);
                }
            }
            if (!failed.isEmpty()) {
                LOG.warning("cgroup v2: could not enable the controllers " + failed + " in " + plan.cgroup()
                        + "; the container runs without them");
            }
        } catch (IOException e) {
            throw new LxcatException("cannot prepare cgroup v2 at " + plan.cgroup() + ": " + e.getMessage()
                    + "; mount /sys/fs/cgroup read-write for the wrapper", e);
        }
    }

    private static Set<String> words(Path file) throws IOException {
        Set<String> s = new LinkedHashSet<>();
        if (Files.exists(file)) {
            for (String w : Files.readString(file).trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    s.add(w);
                }
            }
        }
        return s;
    }
}
