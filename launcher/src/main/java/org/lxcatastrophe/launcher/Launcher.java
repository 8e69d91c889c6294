package org.lxcatastrophe.launcher;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

import org.apache.felix.framework.FrameworkFactory;
import org.apache.felix.main.AutoProcessor;
import org.apache.felix.main.Main;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

import sun.misc.Signal;

/**
 * Runs Felix in the foreground. Reads {@code conf/config.properties} (through felix.main), installs the core bundles,
 * stops the framework gracefully on SIGTERM/SIGINT, and exits with the system property
 * {@value #EXIT_CODE_PROPERTY} (set by the lifecycle before it stops the framework), 0 when unset.
 */
public final class Launcher {
    public static final String EXIT_CODE_PROPERTY = "lxcatastrophe.exit.code";
    public static final String HOME_PROPERTY = "lxcatastrophe.home";
    /** Comma-separated bundle symbolic names that start one level before the others (Config Admin and its plugin). */
    /** Framework property: the start level the launcher raises the framework to once level 1 is up. */
    public static final String FINAL_START_LEVEL_PROPERTY = "lxcatastrophe.startlevel.final";
    /** System property set to "true" once the final start level has been reached. */
    public static final String STARTED_PROPERTY = "lxcatastrophe.started";
    public static final String EARLY_BUNDLES_PROPERTY = "lxcatastrophe.early.bundles";

    private static final Logger LOG = Logger.getLogger(Launcher.class.getName());

    private Launcher() {
    }

    public static void main(String[] args) {
        boolean debug = isDebug(System.getenv("LXCAT_DEBUG"));
        configureLogging(debug, System.out);
        int code;
        try {
            code = run();
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "Could not start the runtime: " + e.getMessage()
                    + (debug ? "" : " (set LXCAT_DEBUG=1 for details)"), e);
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    static boolean isDebug(String value) {
        return value != null && !value.isBlank() && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    /** Replaces the JUL configuration: one line per record on {@code out}, INFO (FINE when debugging). */
    public static void configureLogging(boolean debug, PrintStream out) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new StreamHandler(out, new OneLineFormatter(debug)) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        Level level = debug ? Level.FINE : Level.INFO;
        handler.setLevel(level);
        root.setLevel(level);
        root.addHandler(handler);
    }

    /** Exit status when a bundle of the core set cannot start. */
    static final int CORE_BUNDLE_FAILED = 3;

    /**
     * A core bundle (bundle/, installed by reference) that fails to start leaves a runtime that would run without a
     * piece it needs (without the metatype service, for one, the environment never reaches the configuration and the
     * image comes from the default server): one line with the cause, and the runtime ends with exit status 3.
     * A plugin of deploy/ that fails is only logged (the lifecycle says which adapters it has).
     */
    static void stopWhenACoreBundleFails(Framework framework, Set<Long> core, java.util.concurrent.atomic.AtomicBoolean starting) {
        framework.getBundleContext().addFrameworkListener(e -> {
            Bundle b = e.getBundle();
            // only the start-up's bundle starts (a listener that throws later is an ERROR event too, and only logged)
            if (e.getType() != FrameworkEvent.ERROR || !starting.get() || !(e.getThrowable() instanceof BundleException)
                    || b == null || !core.contains(b.getBundleId()) || System.getProperty(EXIT_CODE_PROPERTY) != null) {
                return;
            }
            System.setProperty(EXIT_CODE_PROPERTY, Integer.toString(CORE_BUNDLE_FAILED));
            LOG.severe("core bundle " + b.getSymbolicName() + " failed to start (" + FrameworkLogger.rootCause(e.getThrowable())
                    + "); stopping (exit status " + CORE_BUNDLE_FAILED + ")");
            Thread t = new Thread(() -> {
                try {
                    framework.stop();
                } catch (BundleException ex) {
                    LOG.log(Level.FINE, "stop failed", ex);
                }
            }, "lxcat-core-bundle-failed");
            t.start();
        });
    }

    /** Whether every bundle of {@code bundles} runs (ACTIVE, or STARTING under a lazy policy); fragments never start. */
    static boolean allRunning(List<Bundle> bundles) {
        return bundles.stream().allMatch(b -> b.getHeaders().get(Constants.FRAGMENT_HOST) != null
                || b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING);
    }

    /** Start-up phases on the debug log, each with the milliseconds since the JVM started (LXCAT_DEBUG=1). */
    private static final class Phases {
        // only when debugging: the management beans would cost a few hundred classes on every start
        private final long jvmStart = LOG.isLoggable(Level.FINE)
                ? java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime() : 0;

        void done(String phase) {
            if (jvmStart != 0 && LOG.isLoggable(Level.FINE)) {
                LOG.fine(phase + " at " + (System.currentTimeMillis() - jvmStart) + " ms");
            }
        }
    }

    static int run() throws Exception {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null) {
            home = new File("").getAbsolutePath();
            System.setProperty(HOME_PROPERTY, home);
        }
        if (System.getProperty(Main.CONFIG_PROPERTIES_PROP) == null) {
            File conf = new File(home, "conf/config.properties");
            System.setProperty(Main.CONFIG_PROPERTIES_PROP, conf.toURI().toString());
        }
        Main.loadSystemProperties();
        Map<String, String> props = Main.loadConfigProperties();
        if (props == null) {
            throw new IllegalStateException("conf/config.properties not found under " + home
                    + "; start the runtime with bin/lxcatastrophe");
        }
        Main.copySystemProperties(props);

        Map<String, Object> frameworkProps = new java.util.HashMap<>(props);
        frameworkProps.put("felix.log.logger", new FrameworkLogger());
        // Start at level 1 (logging, Config Admin, SCR, the configuration checks), resolve everything, then go on:
        // every bundle's configuration is checked before any component of level 2 runs.
        int finalLevel = startLevel(props.get(Constants.FRAMEWORK_BEGINNING_STARTLEVEL));
        frameworkProps.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "1");
        frameworkProps.put(FINAL_START_LEVEL_PROPERTY, Integer.toString(finalLevel));
        // The launcher installs felix.auto.deploy.dir itself (see installCoreBundles); AutoProcessor only does the
        // felix.auto.install/start properties.
        String deployDir = (String) frameworkProps.remove(AutoProcessor.AUTO_DEPLOY_DIR_PROPERTY);
        String deployLevel = (String) frameworkProps.remove(AutoProcessor.AUTO_DEPLOY_STARTLEVEL_PROPERTY);
        frameworkProps.remove(AutoProcessor.AUTO_DEPLOY_ACTION_PROPERTY);
        Phases phases = new Phases();
        Framework framework = new FrameworkFactory().newFramework(frameworkProps);
        framework.init();
        phases.done("framework init");
        if (LOG.isLoggable(Level.FINE)) {
            framework.getBundleContext().addBundleListener((org.osgi.framework.SynchronousBundleListener) e -> {
                if (e.getType() == org.osgi.framework.BundleEvent.STARTED) {
                    phases.done("started " + e.getBundle().getSymbolicName());
                }
            });
        }
        AutoProcessor.process(frameworkProps, framework.getBundleContext());
        List<Bundle> core = installCoreBundles(framework.getBundleContext(),
                deployDir == null ? new File(home, "bundle") : new File(deployDir), deployLevel == null ? 0 : startLevel(deployLevel));
        startEarly(framework, props.get(EARLY_BUNDLES_PROPERTY));
        installSignalHandlers(framework);
        java.util.concurrent.atomic.AtomicBoolean starting = new java.util.concurrent.atomic.AtomicBoolean(true);
        Set<Long> coreIds = new HashSet<>();
        core.forEach(b -> coreIds.add(b.getBundleId()));
        stopWhenACoreBundleFails(framework, coreIds, starting);
        phases.done("core bundles installed");
        framework.start();
        phases.done("start level 1");
        framework.adapt(FrameworkWiring.class).resolveBundles(null);
        phases.done("resolved");
        if (System.getProperty(EXIT_CODE_PROPERTY) == null && framework.getState() == Bundle.ACTIVE) {
            framework.adapt(FrameworkStartLevel.class).setStartLevel(finalLevel, e -> {
                // every bundle of the final level was started: the lifecycle's autostart may go on (it also learns
                // this from the STARTLEVEL_CHANGED event; the property is for a lifecycle activated later)
                System.setProperty(STARTED_PROPERTY, "true");
                // the ERROR event of a core bundle that failed to start may still be on its way (framework events
                // are delivered asynchronously, this callback is not): while a core bundle does not run, the
                // start-up has not ended and the listener still acts on that event when it comes
                if (allRunning(core)) {
                    starting.set(false);
                }
                phases.done("start level " + finalLevel);
            });
        }
        LOG.fine("Framework started");

        FrameworkEvent event;
        do {
            event = framework.waitForStop(0);
        } while (event.getType() == FrameworkEvent.STOPPED_UPDATE);
        if (event.getType() == FrameworkEvent.ERROR && event.getThrowable() != null) {
            LOG.log(Level.SEVERE, "Framework stopped with an error", event.getThrowable());
        }
        Integer code = Integer.getInteger(EXIT_CODE_PROPERTY, 0);
        LOG.fine("Framework stopped, exit status " + code);
        return code;
    }

    /**
     * Installs and starts (persistently, at {@code level} unless 0) every jar of the core bundle folder, in name order,
     * by reference: Felix reads the jar where it lies instead of copying it into its cache first (the cache is new at
     * every start, so copying cost ~15 MB of writes per start). Returns the installed bundles.
     */
    static List<Bundle> installCoreBundles(BundleContext context, File dir, int level) throws BundleException {
        File[] jars = dir.listFiles((d, name) -> name.endsWith(".jar"));
        if (jars == null) {
            throw new IllegalStateException("core bundle folder " + dir + " is missing; start the runtime with bin/lxcatastrophe");
        }
        Arrays.sort(jars);
        List<Bundle> installed = new ArrayList<>();
        for (File jar : jars) {
            Bundle bundle = context.installBundle("reference:" + jar.getAbsoluteFile().toURI());
            if (level > 0) {
                bundle.adapt(BundleStartLevel.class).setStartLevel(level);
            }
            installed.add(bundle);
        }
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
        return installed;
    }

    /** Bundles named in {@code early} get start level 1, so Config Admin plugins are in place before components read configuration. */
    static void startEarly(Framework framework, String early) {
        if (early == null || early.isBlank()) {
            return;
        }
        Set<String> names = new HashSet<>(Arrays.asList(early.trim().split("\\s*,\\s*")));
        List<String> missing = new ArrayList<>(names);
        for (Bundle bundle : framework.getBundleContext().getBundles()) {
            if (bundle.getBundleId() != 0 && names.contains(bundle.getSymbolicName())) {
                bundle.adapt(BundleStartLevel.class).setStartLevel(1);
                missing.remove(bundle.getSymbolicName());
            }
        }
        if (!missing.isEmpty()) {
            LOG.warning("Early bundles not found in bundle/: " + missing);
        }
    }

    static int startLevel(String value) {
        try {
            return value == null || value.isBlank() ? 1 : Math.max(1, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(Constants.FRAMEWORK_BEGINNING_STARTLEVEL + "=" + value
                    + " in conf/config.properties is not a start level; use a whole number such as 2");
        }
    }

    private static void installSignalHandlers(Framework framework) {
        Thread stopper = new Thread(() -> {
            try {
                framework.stop();
            } catch (BundleException e) {
                LOG.log(Level.SEVERE, "Could not stop the framework: " + e.getMessage(), e);
                Runtime.getRuntime().halt(1);
            }
        }, "lxcat-stop");
        sun.misc.SignalHandler handler = signal -> {
            synchronized (Launcher.class) {
                if (stopper.getState() == Thread.State.NEW) {
                    LOG.info("SIG" + signal.getName() + " received, stopping");
                    stopper.start();
                } else {
                    LOG.info("SIG" + signal.getName() + " received again, still stopping");
                }
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }
}
