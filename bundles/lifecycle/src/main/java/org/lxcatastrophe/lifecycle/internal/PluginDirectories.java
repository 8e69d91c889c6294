package org.lxcatastrophe.lifecycle.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/**
 * The folders FileInstall installs plugins from ({@code deploy/}, and {@code plugins/} in the Docker image). Their jars
 * are installed by FileInstall's own thread, independently of the core bundles: a start that reuses a container gets to
 * the distro adapter choice in a few hundred milliseconds, before FileInstall may have started them. So before choosing,
 * the lifecycle waits (bounded) until every jar in these folders belongs to an ACTIVE bundle.
 */
final class PluginDirectories {
    /** Framework property: comma-separated plugin folders (default {@code <lxcatastrophe.home>/deploy}). */
    static final String PROPERTY = "lxcatastrophe.plugin.dirs";
    private static final Logger LOG = Logger.getLogger(PluginDirectories.class.getName());

    private final List<Path> dirs;

    PluginDirectories(List<Path> dirs) {
        this.dirs = List.copyOf(dirs);
    }

    static PluginDirectories of(BundleContext context) {
        String value = context.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            String home = context.getProperty("lxcatastrophe.home");
            value = home == null ? "" : home + "/deploy";
        }
        List<Path> dirs = new ArrayList<>();
        for (String d : value.split(",")) {
            if (!d.isBlank()) {
                dirs.add(Path.of(d.trim()));
            }
        }
        return new PluginDirectories(dirs);
    }

    /** The plugin jars present now. */
    List<Path> jars() {
        List<Path> jars = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                        .map(PluginDirectories::canonical).sorted().forEach(jars::add);
            } catch (IOException e) {
                LOG.fine("cannot list " + d + ": " + e);
            }
        }
        return jars;
    }

    /** The jars of {@code jars} that no ACTIVE bundle was installed from. */
    static List<Path> pending(List<Path> jars, Set<Path> activeLocations) {
        return jars.stream().filter(j -> !activeLocations.contains(j)).toList();
    }

    /**
     * Waits until every plugin jar is an ACTIVE bundle, at most {@code max}; returns the jars still pending. Wakes on
     * each bundle that starts, and looks again every {@code relook} in case a jar appears that FileInstall has not
     * installed yet (no event tells of it).
     */
    List<Path> awaitActive(BundleContext context, Duration max, Duration relook) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        Object lock = new Object();
        long[] started = {0};
        BundleListener listener = e -> {
            if (e.getType() == BundleEvent.STARTED) {
                synchronized (lock) {
                    started[0]++;
                    lock.notifyAll();
                }
            }
        };
        context.addBundleListener(listener);
        try {
            while (true) {
                long seen;
                synchronized (lock) {
                    seen = started[0];
                }
                List<Path> pending = pending(jars(), activeLocations(context));
                long left = deadline - System.nanoTime();
                if (pending.isEmpty() || left <= 0) {
                    return pending;
                }
                synchronized (lock) {
                    if (started[0] == seen) {
                        TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, relook.toNanos()));
                    }
                }
            }
        } finally {
            context.removeBundleListener(listener);
        }
    }

    private static Set<Path> activeLocations(BundleContext context) {
        Set<Path> active = new HashSet<>();
        Arrays.stream(context.getBundles()).filter(b -> b.getState() == Bundle.ACTIVE).forEach(b -> {
            Path p = fileLocation(b.getLocation());
            if (p != null) {
                active.add(p);
            }
        });
        return active;
    }

    /** The file a bundle location names ({@code file:/…/x.jar}, as FileInstall installs), else null. */
    static Path fileLocation(String location) {
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        try {
            return canonical(Path.of(URI.create(location)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Path canonical(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
