package org.lxcatastrophe.lifecycle.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

import org.lxcatastrophe.api.ConfigurationException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * When the autostart may begin: once the runtime's start-up has ended, and only if no component refused its
 * configuration meanwhile (that ends the runtime with exit status 2; the container must not be prepared then).
 *
 * <p>The end of the start-up is the launcher's final start level ({@value #FINAL_START_LEVEL_PROPERTY}) having been
 * reached: its STARTLEVEL_CHANGED event, which Felix sends after every bundle of the level was started (the level
 * number itself is set before, so it says nothing), or the system property {@value #STARTED_PROPERTY} the launcher's
 * callback sets right after (for a listener registered too late for the event, and a lifecycle activated later).
 * Which components failed is asked of SCR directly, for a wait that began during the start-up: the configuration
 * bundle learns it from the log, which is delivered on a thread of its own.
 */
final class StartupWait {
    /** Framework property (set by the launcher): the start level at which the runtime has started. */
    static final String FINAL_START_LEVEL_PROPERTY = "lxcatastrophe.startlevel.final";
    /** System property the launcher sets to "true" when the final start level has been reached. */
    static final String STARTED_PROPERTY = "lxcatastrophe.started";
    private static final long RELOOK_MILLIS = 100;
    private static final Logger LOG = Logger.getLogger(StartupWait.class.getName());

    private final CountDownLatch over = new CountDownLatch(1);
    private volatile boolean cancelled;

    /** Ends a wait in progress with "do not start" (the lifecycle is deactivated). */
    void cancel() {
        cancelled = true;
        over.countDown();
    }

    /**
     * Waits at most {@code max} for the start-up to end; true when the container may be prepared. Without the
     * launcher's property (a framework started by something else) there is nothing to wait for.
     */
    boolean await(BundleContext context, Duration max, Supplier<ServiceComponentRuntime> scr) throws InterruptedException {
        int target = finalLevel(context.getProperty(FINAL_START_LEVEL_PROPERTY));
        // a lifecycle activated after the start-up (an edited etc file) is not held back by an old refusal: SCR
        // keeps a component's failure, and after the start-up a refused value is only logged
        boolean duringStartup = target > 0 && !started();
        if (duringStartup) {
            FrameworkListener listener = e -> {
                if (e.getType() == FrameworkEvent.STARTLEVEL_CHANGED
                        && e.getBundle().adapt(FrameworkStartLevel.class).getStartLevel() >= target) {
                    over.countDown();
                }
            };
            context.addFrameworkListener(listener);
            try {
                // the event goes to the listeners registered when Felix queued it; one registered just after that
                // sees the launcher's property instead, which its callback sets a moment later: look again and again
                long deadline = System.nanoTime() + max.toNanos();
                while (!started() && !over.await(RELOOK_MILLIS, TimeUnit.MILLISECONDS)) {
                    if (System.nanoTime() > deadline) {
                        LOG.warning("the runtime's start-up has not ended after " + max.toSeconds() + " s (start level "
                                + target + "); preparing the container anyway");
                        break;
                    }
                }
            } finally {
                context.removeFrameworkListener(listener);
            }
        }
        if (cancelled || context.getBundle(0).getState() == Bundle.STOPPING || System.getProperty(ContainerLifecycleImpl.EXIT_PROPERTY) != null) {
            // deactivated, or the runtime is ending: a signal, a core bundle that failed (exit status 3), an invalid
            // value (2); the lifecycle records an exit status itself only when the framework stops
            return false;
        }
        String refused = duringStartup ? refusedConfiguration(scr.get()) : null;
        if (refused != null) {
            LOG.fine("not preparing the container: component " + refused + " refused its configuration (the runtime stops)");
            return false;
        }
        return true;
    }

    private static boolean started() {
        return "true".equals(System.getProperty(STARTED_PROPERTY));
    }

    /** The name of a component whose activation failed because of its configuration, or null. */
    static String refusedConfiguration(ServiceComponentRuntime scr) {
        if (scr == null) {
            return null;
        }
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION && c.failure != null
                        && c.failure.contains(ConfigurationException.class.getName())) {
                    return d.name;
                }
            }
        }
        return null;
    }

    static int finalLevel(String level) {
        try {
            return level == null ? -1 : Integer.parseInt(level.strip());
        } catch (NumberFormatException e) {
            LOG.fine("ignoring " + FINAL_START_LEVEL_PROPERTY + "=" + level);
            return -1;
        }
    }
}
