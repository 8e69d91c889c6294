package org.lxcatastrophe.config.internal;

import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Whether the runtime is still starting, and the one way to end it because its configuration is invalid.
 * <p>
 * Startup ends when the framework reaches the start level the launcher aims for (framework property
 * {@value #FINAL_START_LEVEL_PROPERTY}; the launcher resolves every bundle at level 1 first, so the configuration of
 * every bundle is checked before any component of level 2 runs), or, without that property (a framework started
 * by something else than the launcher), at the framework's STARTED event. While starting, an invalid configuration
 * value ends the runtime with exit status {@value #INVALID_CONFIGURATION_EXIT}; afterwards (an etc file edited while
 * running) it is only logged.
 */
final class StartupGate {

    static final String FINAL_START_LEVEL_PROPERTY = "lxcatastrophe.startlevel.final";
    static final String EXIT_CODE_PROPERTY = "lxcatastrophe.exit.code";
    static final int INVALID_CONFIGURATION_EXIT = 2;

    private static final Logger LOG = Logger.getLogger("org.lxcatastrophe.config.Configuration");

    private static volatile boolean started;
    /**
     * When this class saw the startup end ({@link System#currentTimeMillis()}), {@link Long#MAX_VALUE} before. Log
     * entries reach listeners on the log service's own thread and framework events on the framework's, so an entry
     * logged while starting can arrive after the start level event; its own time tells when it happened.
     */
    private static volatile long endedAt = Long.MAX_VALUE;
    private static volatile boolean exiting;

    private StartupGate() {
    }

    /** Looks at the framework as it is now (the config bundle may start after the framework did). */
    static synchronized void init(BundleContext bc) {
        exiting = false;
        Bundle system = bc.getBundle(0);
        int target = finalLevel(bc);
        if (target < 0) {
            started = system.getState() == Bundle.ACTIVE;
        } else {
            started = system.adapt(FrameworkStartLevel.class).getStartLevel() >= target;
        }
        endedAt = started ? System.currentTimeMillis() : Long.MAX_VALUE;
    }

    /** @return whether this event ends the startup */
    static boolean frameworkEvent(BundleContext bc, FrameworkEvent event) {
        if (started) {
            return false;
        }
        int target = finalLevel(bc);
        boolean done = switch (event.getType()) {
            case FrameworkEvent.STARTED -> target < 0;
            case FrameworkEvent.STARTLEVEL_CHANGED -> target >= 0
                    && bc.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel() >= target;
            default -> false;
        };
        if (done) {
            ended(System.currentTimeMillis());
        }
        return done;
    }

    private static int finalLevel(BundleContext bc) {
        String v = bc.getProperty(FINAL_START_LEVEL_PROPERTY);
        if (v == null || v.isBlank()) {
            return -1;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Marks the startup as ended at {@code millis}. */
    static void ended(long millis) {
        endedAt = millis;
        started = true;
    }

    /** Back to "starting", not exiting (unit tests share the JVM). */
    static synchronized void resetForTests() {
        started = false;
        exiting = false;
        endedAt = Long.MAX_VALUE;
    }

    static boolean starting() {
        return !started;
    }

    /** Whether something that happened at {@code millis} (a log entry's time) happened while the runtime started. */
    static boolean startingAt(long millis) {
        return !started || millis <= endedAt;
    }

    static boolean exiting() {
        return exiting;
    }

    /** Stops the runtime with exit status {@value #INVALID_CONFIGURATION_EXIT}; the cause has been logged already. */
    static synchronized void fail(BundleContext bc) {
        if (exiting) {
            return;
        }
        exiting = true;
        // before the line is written (a slow stdout must not delay it): the launcher does not go on to the final
        // start level once it is set
        System.setProperty(EXIT_CODE_PROPERTY, Integer.toString(INVALID_CONFIGURATION_EXIT));
        LOG.severe("Stopping: the configuration is invalid (exit status " + INVALID_CONFIGURATION_EXIT + ")");
        Bundle system = bc.getBundle(0);
        Thread t = new Thread(() -> {
            try {
                system.stop();
            } catch (Exception e) {
                LOG.log(Level.SEVERE, "Could not stop the framework: " + e.getMessage(), e);
            }
        }, "lxcat-config-exit");
        t.start();
    }
}
