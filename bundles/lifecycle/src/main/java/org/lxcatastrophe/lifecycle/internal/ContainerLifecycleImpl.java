package org.lxcatastrophe.lifecycle.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.container.ContainerLifecycle;
import org.lxcatastrophe.api.container.ContainerSpec;
import org.lxcatastrophe.api.container.ContainerState;
import org.lxcatastrophe.api.container.ContainerStatus;
import org.lxcatastrophe.api.container.ExecResult;
import org.lxcatastrophe.api.distro.DistroAdapter;
import org.lxcatastrophe.api.distro.DistroMatch;
import org.lxcatastrophe.api.distro.OsRelease;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.idmap.IdmapService;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.ExtractedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageService;
import org.lxcatastrophe.api.network.HostNetwork;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.rootfs.RootfsService;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.lxcatastrophe.api.ssh.AuthorizedKey;
import org.lxcatastrophe.api.ssh.SshKeyService;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The orchestration: image fetch, id range, extraction (skipped when the container exists), network, distro adapter,
 * ssh keys, LXC config, start and supervision; clean poweroff when the framework stops.
 */
@Component(configurationPid = ContainerLifecycleImpl.PID, service = ContainerLifecycle.class, immediate = true)
@Designate(ocd = ContainerLifecycleImpl.Config.class)
public class ContainerLifecycleImpl implements ContainerLifecycle {

    static final String PID = "org.lxcatastrophe.lifecycle";
    static final String EXIT_PROPERTY = "lxcatastrophe.exit.code";
    /** What the runtime recorded about a container it created (id base, image), next to the rootfs. */
    static final String STATE_FILE = "lxcatastrophe.properties";
    static final String IMAGE_CONFIG_FILE = "image.config";
    /** A hostname (RFC 1123 labels: no empty label, none starting or ending with '-'), at most 63 characters. */
    private static final Pattern NAME = Pattern.compile(
            "(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Logger LOG = Logger.getLogger(ContainerLifecycleImpl.class.getName());

    @ObjectClassDefinition(name = "lxcatastrophe container lifecycle", description = "The system container and its LXC config")
    public @interface Config {
        @AttributeDefinition(name = "container.name", description = "Container name and hostname; empty: the wrapper's "
                + "hostname (env CONTAINER_NAME)")
        String container_name() default "";

        @AttributeDefinition(name = "container.path", description = "Directory holding the container (a volume keeps it "
                + "between runs) (env CONTAINER_PATH)")
        String container_path() default "/var/lib/lxcatastrophe/containers";

        @AttributeDefinition(name = "container.autostart", description = "Start the container when the runtime starts "
                + "(env CONTAINER_AUTOSTART)")
        boolean container_autostart() default true;

        @AttributeDefinition(name = "container.stop.timeout", description = "Seconds a clean poweroff may take before a "
                + "hard stop; keep it below docker stop's 10 s (env CONTAINER_STOP_TIMEOUT)")
        int container_stop_timeout() default 8;

        @AttributeDefinition(name = "container.start.timeout", description = "Seconds LXC may take to report the "
                + "container RUNNING (env CONTAINER_START_TIMEOUT)")
        int container_start_timeout() default 60;

        @AttributeDefinition(name = "lxc.config.extra", description = "LXC lines appended last to the container config, "
                + "separated by newlines or ';' (env LXC_CONFIG_EXTRA)")
        String lxc_config_extra() default "";

        @AttributeDefinition(name = "distro.fallback", description = "When no distro adapter recognises the image: "
                + "true lets LXC preset the addresses and gateways (lxc.net.N.ipv4/ipv6.*) and leaves the image's own "
                + "network files alone (a DHCP client there may add a second address); false (default) refuses to "
                + "start and lists the installed adapters (env DISTRO_FALLBACK)")
        boolean distro_fallback() default false;
    }

    /** The validated configuration. */
    record Settings(String name, Path path, boolean autostart, Duration stopTimeout, Duration startTimeout,
            List<String> extra) {
    }

    @Reference
    ImageService images;
    @Reference
    IdmapService idmap;
    @Reference
    HostNetwork network;
    @Reference
    RootfsService rootfs;
    @Reference
    SshKeyService sshKeys;
    /** Asked whether a component refused its configuration before the container is prepared. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServiceComponentRuntime componentRuntime;

    final List<DistroAdapter> distros = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDistro(DistroAdapter adapter) {
        distros.add(adapter);
    }

    void removeDistro(DistroAdapter adapter) {
        distros.remove(adapter);
    }

    CommandRunner runner = new ProcessCommandRunner();
    HostEnvironment environment = HostEnvironment.system();
    PrintStream consoleOut = System.out;
    IntConsumer exiter;

    private Settings settings;
    private ContainerSpec spec;
    private LxcDriver driver;
    private ExecutorService worker;
    private final Object lock = new Object();
    private volatile ContainerState state = ContainerState.NEW;
    private volatile String message = "";
    private volatile String imageDescription = "";
    private volatile Instant startedAt;
    private volatile List<String> addresses = List.of();
    private volatile boolean stopRequested;
    volatile boolean distroFallback;
    private volatile boolean deactivating;
    private static volatile boolean apparmorLogged;

    /** How long the autostart waits for the runtime's start-up to end before it goes on. */
    static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private final StartupWait startup = new StartupWait();
    /** How long a start waits for FileInstall to start the plugin jars before it chooses a distro adapter. */
    static final Duration PLUGIN_WAIT = Duration.ofSeconds(15);
    /** How often that wait looks at the folders again without a bundle event (FileInstall polls deploy/ every 250 ms). */
    static final Duration PLUGIN_RELOOK = Duration.ofMillis(250);
    private BundleContext context;
    private PluginDirectories plugins;

    @Activate
    void activate(BundleContext context, Config config) throws ConfigurationException {
        this.context = context;
        this.plugins = context == null ? null : PluginDirectories.of(context);
        if (exiter == null) {
            exiter = code -> exitRuntime(context, code);
        }
        distroFallback = config.distro_fallback();
        begin(settings(config));
    }

    /** Validates the configuration; {@link ConfigurationException} names the key. */
    static Settings settings(Config c) throws ConfigurationException {
        String name = c.container_name() == null ? "" : c.container_name().trim();
        if (name.isEmpty()) {
            name = wrapperHostname();
        }
        if (!NAME.matcher(name).matches()) {
            throw new ConfigurationException("container.name", "container.name (CONTAINER_NAME) = '" + shown(name)
                    + "' is not a valid hostname: use letters, digits and '-' in parts joined by single dots, no part"
                    + " starting or ending with '-',"
                    + " at most 63 characters");
        }
        String p = c.container_path() == null ? "" : c.container_path().trim();
        if (p.isEmpty() || !p.startsWith("/")) {
            throw new ConfigurationException("container.path", "container.path (CONTAINER_PATH) = '" + p
                    + "' must be an absolute directory path, e.g. /var/lib/lxcatastrophe/containers");
        }
        if (c.container_stop_timeout() < 1 || c.container_stop_timeout() > 3600) {
            throw new ConfigurationException("container.stop.timeout", "container.stop.timeout (CONTAINER_STOP_TIMEOUT) = "
                    + c.container_stop_timeout() + " is invalid: give seconds between 1 and 3600 (8 fits docker stop's 10 s)");
        }
        if (c.container_start_timeout() < 1 || c.container_start_timeout() > 3600) {
            throw new ConfigurationException("container.start.timeout", "container.start.timeout (CONTAINER_START_TIMEOUT) = "
                    + c.container_start_timeout() + " is invalid: give seconds between 1 and 3600");
        }
        return new Settings(name, Path.of(p).normalize(), c.container_autostart(),
                Duration.ofSeconds(c.container_stop_timeout()), Duration.ofSeconds(c.container_start_timeout()),
                LxcConfigWriter.parseExtra(c.lxc_config_extra()));
    }

    /** A configured value inside a one-line message: control characters as '?', at most 64 characters. */
    static String shown(String value) {
        String v = value.replaceAll("\\p{Cntrl}", "?");
        return v.length() > 64 ? v.substring(0, 61) + "..." : v;
    }

    static String wrapperHostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException e) {
            // fall through
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "lxcatastrophe";
        }
    }

    void begin(Settings s) {
        this.settings = s;
        this.spec = new ContainerSpec(s.name(), s.path());
        this.driver = new LxcDriver(runner, line -> consoleOut.println(line), s.startTimeout());
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lxcat-lifecycle");
            t.setDaemon(true);
            return t;
        });
        if (!s.autostart()) {
            LOG.info("container " + s.name() + " in " + s.path() + ", autostart off");
        } else {
            worker.submit(() -> {
                try {
                    if (!startupOver()) {
                        LOG.fine("the runtime is stopping while it starts: container " + spec.name() + " not started");
                        return;
                    }
                    if (state != ContainerState.NEW) {
                        LOG.fine("container " + spec.name() + " was started from the shell meanwhile: no autostart");
                        return;
                    }
                    LOG.info("container " + s.name() + " in " + s.path() + ", starting");
                    start();
                } catch (LxcatException e) {
                    LOG.log(Level.FINE, "start failed", e);
                    if (!deactivating && frameworkStopping()) {
                        // the framework is stopping for another reason (an invalid setting of another component, a
                        // signal), which has been logged: what broke off here is not news
                        LOG.fine(e.getMessage());
                        return;
                    }
                    if (deactivating) {
                        LOG.info(e.getMessage());   // stopped while preparing: not a failure
                        return;
                    }
                    LOG.severe(e.getMessage());
                    exiter.accept(1);
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.FINE, "start failed", e);
                    LOG.severe("container " + spec.name() + " failed to start: " + e);
                    exiter.accept(1);
                }
            });
        }
    }

    /** Whether the start-up ended and the container may be prepared (see {@link StartupWait}); false if interrupted. */
    private boolean startupOver() {
        try {
            return context == null || startup.await(context, STARTUP_WAIT, () -> componentRuntime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the framework is stopping (its system bundle is STOPPING, or this bundle's context is gone). */
    private boolean frameworkStopping() {
        try {
            return context != null && context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING;
        } catch (IllegalStateException e) {
            return true;   // this bundle's context is no longer valid
        }
    }

    @Deactivate
    void deactivate() {
        deactivating = true;
        startup.cancel();
        stopRequested = true;
        worker.shutdown();
        try {
            // a preparation in progress (download, extraction) is interrupted; it removes what it made and does not
            // start the container; a running container is powered off below
            if (!worker.awaitTermination(1, TimeUnit.SECONDS)) {
                worker.shutdownNow();
                worker.awaitTermination(settings.stopTimeout().toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (!driver.monitorAlive()) {
                return;
            }
            LOG.info("powering off container " + spec.name() + " (timeout " + settings.stopTimeout().toSeconds() + " s)");
            state = ContainerState.STOPPING;
            try {
                boolean clean = driver.stop(spec, settings.stopTimeout());
                state = ContainerState.STOPPED;
                LOG.info(clean ? "container " + spec.name() + " powered off cleanly"
                        : "container " + spec.name() + " was stopped hard after " + settings.stopTimeout().toSeconds() + " s");
                exitCodeOnPowerOff(clean ? 0 : 1);
            } catch (LxcatException e) {
                LOG.severe("cannot stop container " + spec.name() + ": " + e.getMessage());
                exitCodeOnPowerOff(1);
            }
        }
    }

    /**
     * The runtime's exit status from how the container was powered off, when the runtime is ending: not when only
     * this component is deactivated in a running framework (an edited etc file, the bundle stopped from the shell),
     * where a later, real ending must still set it. Without a framework (tests) the deactivation is the ending.
     */
    private void exitCodeOnPowerOff(int code) {
        if (context == null || frameworkStopping()) {
            setExitCode(code);
        }
    }

    /** The first status recorded is the runtime's exit status. */
    private static void setExitCode(int code) {
        if (System.getProperty(EXIT_PROPERTY) == null) {
            System.setProperty(EXIT_PROPERTY, String.valueOf(code));
        }
    }

    private static void exitRuntime(BundleContext context, int code) {
        setExitCode(code);
        Thread t = new Thread(() -> {
            try {
                // a start that fails at once (bad network) would stop the framework while FileInstall is still
                // starting the deploy/ plugins ("Stopping a starting or stopping bundle is currently not supported")
                awaitSettledBundles(context, 5000);
                context.getBundle(0).stop();
            } catch (BundleException | IllegalStateException e) {
                LOG.log(Level.FINE, "cannot stop the framework", e);
            }
        }, "lxcat-exit");
        t.start();
    }

    /** Waits (bounded) until no bundle is STARTING or STOPPING for two checks in a row. */
    static void awaitSettledBundles(BundleContext context, long maxMillis) {
        long deadline = System.currentTimeMillis() + maxMillis;
        int quiet = 0;
        try {
            while (quiet < 2 && System.currentTimeMillis() < deadline) {
                boolean busy = java.util.Arrays.stream(context.getBundles()).anyMatch(
                        b -> (b.getState() & (org.osgi.framework.Bundle.STARTING | org.osgi.framework.Bundle.STOPPING)) != 0);
                quiet = busy ? 0 : quiet + 1;
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "the framework is already stopping", e);
        }
    }

    // ---- ContainerLifecycle

    @Override
    public void start() throws LxcatException {
        synchronized (lock) {
            if (driver.monitorAlive()) {
                throw new LxcatException("container " + spec.name() + " is already running");
            }
            if (deactivating) {
                throw new LxcatException("the runtime is shutting down");
            }
            stopRequested = false;
            try {
                prepareAndStart();
            } catch (LxcatException e) {
                state = ContainerState.FAILED;
                message = e.getMessage();
                throw e;
            }
        }
        supervise();
    }

    @Override
    public void stop() throws LxcatException {
        synchronized (lock) {
            stopRequested = true;
            if (!driver.monitorAlive()) {
                throw new LxcatException("container " + spec.name() + " is not running");
            }
            state = ContainerState.STOPPING;
            boolean clean = driver.stop(spec, settings.stopTimeout());
            state = ContainerState.STOPPED;
            message = clean ? "powered off" : "stopped hard after " + settings.stopTimeout().toSeconds() + " s";
            startedAt = null;
        }
    }

    @Override
    public void restart() throws LxcatException {
        if (driver.monitorAlive()) {
            stop();
        }
        start();
    }

    @Override
    public ContainerStatus status() {
        long pid = -1;
        if (state == ContainerState.RUNNING) {
            try {
                pid = driver.initPid(spec);
            } catch (LxcatException e) {
                pid = -1;
            }
        }
        return new ContainerStatus(spec.name(), state, pid, imageDescription, startedAt, addresses, message);
    }

    @Override
    public ExecResult exec(List<String> command, Duration timeout) throws LxcatException {
        return driver.exec(spec, command, timeout);
    }

    @Override
    public List<String> consoleLog(int lines) {
        return driver.consoleLog(spec, lines);
    }

    @Override
    public Map<String, String> wiring() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ImageService", describe(images));
        m.put("IdmapService", describe(idmap));
        m.put("HostNetwork", describe(network));
        m.put("RootfsService", describe(rootfs));
        m.put("SshKeyService", describe(sshKeys));
        for (DistroAdapter d : distros) {
            m.put("DistroAdapter " + d.name(), d.description());
        }
        return m;
    }

    private static String describe(Object service) {
        return service == null ? "missing" : service.getClass().getName();
    }

    ContainerSpec spec() {
        return spec;
    }

    // ---- orchestration

    private void prepareAndStart() throws LxcatException {
        state = ContainerState.PREPARING;
        message = "";
        driver.checkTools();
        // bad keys fail before any download, extraction or network change
        List<AuthorizedKey> keys = sshKeys.configuredKeys();
        List<String> roCgroups = environment.readOnlyCgroupMounts();
        if (!roCgroups.isEmpty()) {
            LOG.warning(readOnlyCgroupsMessage(roCgroups, environment.cgroupV2()) + " (an image without systemd may "
                    + "still boot)");
        }
        // capture changes nothing and fails fast (no interface to take over, no address): before any download,
        // extraction or bridging, so a bad network leaves nothing made
        NetworkPlan plan = network.capture();
        Path dir = spec.directory();
        boolean created = false;
        boolean extractedNow = false;
        try {
            Files.createDirectories(settings.path());
            IdRange range = idmap.ensureRange();
            Properties recorded = readState(dir);
            List<String> imageLines;
            if (Files.isDirectory(spec.rootfs()) && recorded != null) {
                long base = Long.parseLong(recorded.getProperty("idmap.base", "-1"));
                if (base != range.base()) {
                    throw new ConfigurationException("idmap.base", "the container in " + dir + " was created with ids from "
                            + base + " but the id range is now " + range.base() + ": set IDMAP_BASE=" + base);
                }
                imageLines = Files.readAllLines(dir.resolve(IMAGE_CONFIG_FILE));
                imageDescription = recorded.getProperty("image", "");
                LOG.info("reusing container " + spec.name() + " in " + dir + " (" + imageDescription
                        + "): no download, no extraction");
            } else {
                if (Files.exists(spec.rootfs())) {
                    throw new LxcatException(spec.rootfs() + " exists but was not made by lxcatastrophe (no " + STATE_FILE
                            + "): move it away or choose another CONTAINER_NAME");
                }
                if (!Files.exists(dir)) {
                    Files.createDirectories(dir);
                    created = true;
                }
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
                idmap.ensureTraversable(dir, range);
                CachedImage cached = images.fetch(images.configuredImage(), FetchOptions.DEFAULT);
                LOG.info("extracting " + cached.ref() + " " + cached.buildId() + " into " + spec.rootfs());
                String description = cached.ref() + " " + cached.buildId();
                // the record is written before the rootfs is renamed into place, so a kill at any moment leaves
                // either no rootfs (extracted again next time) or a rootfs with its record (reused)
                ExtractedImage extracted = images.extract(cached, dir, spec.name(), range,
                        x -> record(dir, range, description, x.lxcConfig()));
                extractedNow = true;
                imageLines = extracted.lxcConfig();
                imageDescription = description;
            }
            idmap.ensureTraversable(spec.rootfs(), range);
            RootfsView view = rootfs.view(spec.rootfs());
            if (!view.exists("/sbin/init")) {
                throw new LxcatException("the rootfs " + spec.rootfs() + " has no /sbin/init, so it cannot boot as a system "
                        + "container: use an image with an init system (e.g. DIST_VARIANT=default)");
            }
            if (!roCgroups.isEmpty() && (view.exists("/lib/systemd/systemd") || view.exists("/usr/lib/systemd/systemd"))) {
                throw new LxcatException(readOnlyCgroupsMessage(roCgroups, environment.cgroupV2()));
            }
            RootfsWriter writer = rootfs.writer(spec.rootfs(), range);
            maskUnsupportedUnits(writer);

            // the adapter is chosen before the wrapper's network is touched, so an image no adapter recognises
            // leaves the wrapper as it was
            if (!plan.interfaces().isEmpty()) {
                awaitPlugins();
            }
            DistroAdapter adapter = plan.interfaces().isEmpty() ? null : chooseDistro(view);
            List<String> netLines = new java.util.ArrayList<>(
                    plan.interfaces().isEmpty() ? List.of() : network.bridge(plan));
            addresses = plan.interfaces().stream().flatMap(i -> i.addresses().stream()).map(Object::toString).toList();
            if (adapter != null) {
                adapter.applyNetwork(plan, writer);
            } else if (!plan.interfaces().isEmpty()) {
                netLines.addAll(lxcAddressPresets(plan));
            }

            if (!keys.isEmpty()) {
                // the key service logs the one line: how many configured, added, and what the file holds
                sshKeys.deploy(keys, writer);
            }

            CgroupPreparer cgroups = new CgroupPreparer(environment);
            cgroups.apply(cgroups.plan());
            boolean apparmor = environment.apparmorUsable();
            if (!apparmor && !apparmorLogged) {
                apparmorLogged = true;
                LOG.info("AppArmor is not usable here: the container runs unconfined (lxc.apparmor.profile = unconfined)");
            }
            String config = new LxcConfigWriter().render(new LxcConfigWriter.Input(imageLines, idmap.lxcConfig(range),
                    spec.rootfs(), spec.name(), netLines, environment.sysReadOnly(), apparmor,
                    dir.resolve(LxcDriver.CONSOLE_LOG), dir.resolve(LxcDriver.LXC_LOG), settings.extra()));
            writeAtomically(spec.config(), config);

            if (deactivating || Thread.currentThread().isInterrupted()) {
                throw new LxcatException("the runtime is shutting down: container " + spec.name() + " not started");
            }
            state = ContainerState.STARTING;
            driver.start(spec);
            state = ContainerState.RUNNING;
            startedAt = Instant.now();
            created = false;
            if (extractedNow) {
                // the extraction's buffers grew the heap; the serial GC gives it back in steps (it shrinks by a growing
                // share at each full collection), so a few collections bring the footprint down to a warm start's
                for (int i = 0; i < 4; i++) {
                    System.gc();
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "prepare failed", e);
            String hint = e instanceof java.nio.file.AccessDeniedException || String.valueOf(e.getMessage())
                    .contains("Read-only file system") ? "; make container.path (CONTAINER_PATH) a writable directory"
                            + " (e.g. a volume)" : "";
            throw new LxcatException("cannot prepare container " + spec.name() + " in " + dir + ": " + e.getMessage()
                    + hint, e);
        } finally {
            if (created) {
                removeQuietly(dir);
            }
        }
    }

    static String readOnlyCgroupsMessage(List<String> mounts, boolean v2) {
        return "the cgroup filesystem is read-only here (" + mounts.get(0)
                + (mounts.size() > 1 ? " and " + (mounts.size() - 1) + " more" : "") + "), so systemd in the container "
                + "cannot create its cgroups and stops at boot: " + (v2
                        ? "run the Docker container with --privileged (without a /sys/fs/cgroup volume), or with "
                                + "--cgroupns=host -v /sys/fs/cgroup:/sys/fs/cgroup:rw"
                        : "run the Docker container with -v /sys/fs/cgroup:/sys/fs/cgroup:ro (it keeps the host's "
                                + "controllers writable) or --privileged");
    }

    /**
     * systemd units that cannot work in an unprivileged container (the kernel refuses debugfs/tracefs in a user
     * namespace) and would only leave the system "degraded": masked, unless the image or the user overrides them.
     */
    static final List<String> UNSUPPORTED_UNITS = List.of("sys-kernel-debug.mount", "sys-kernel-tracing.mount");

    private static void maskUnsupportedUnits(RootfsWriter writer) throws IOException {
        for (String unit : UNSUPPORTED_UNITS) {
            String mask = "/etc/systemd/system/" + unit;
            boolean shipped = writer.exists("/lib/systemd/system/" + unit) || writer.exists("/usr/lib/systemd/system/" + unit);
            if (shipped && !writer.exists(mask) && writer.isDirectory("/etc/systemd/system")) {
                writer.symlink(mask, "/dev/null");
                LOG.fine("masked " + unit + " (not possible in an unprivileged container)");
            }
        }
    }

    /** Lets FileInstall finish starting the plugin jars (bounded), so the adapter choice sees every distro bundle. */
    private void awaitPlugins() {
        if (plugins == null || context == null) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            List<Path> pending = plugins.awaitActive(context, PLUGIN_WAIT, PLUGIN_RELOOK);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (!pending.isEmpty()) {
                LOG.warning("plugins not active after " + ms + " ms: "
                        + String.join(", ", pending.stream().map(p -> p.getFileName().toString()).toList())
                        + "; choosing among the distro adapters there are (lxcat:distros, lb)");
            } else if (ms > 200) {
                LOG.info("waited " + ms + " ms for the plugins in deploy/ to start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "the framework is stopping", e);
        }
    }

    /**
     * The adapter with the highest rank for the rootfs. None: an error listing the installed adapters, or null when
     * {@code distro.fallback} lets LXC preset the addresses instead.
     */
    private DistroAdapter chooseDistro(RootfsView view) throws LxcatException, IOException {
        Optional<OsRelease> os = OsReleaseParser.read(view);
        DistroAdapter best = null;
        DistroMatch bestMatch = null;
        List<DistroAdapter> installed = List.copyOf(distros);
        if (os.isPresent()) {
            for (DistroAdapter d : installed) {
                Optional<DistroMatch> m = d.recognise(os.get(), view);
                if (m.isPresent() && (bestMatch == null || m.get().rank() > bestMatch.rank())) {
                    best = d;
                    bestMatch = m.get();
                }
            }
        }
        if (best != null) {
            LOG.info("distro adapter " + best.name() + " configures the network (" + bestMatch.reason() + ")");
            return best;
        }
        String what = os.map(o -> "ID=" + o.id() + (o.idLike().isEmpty() ? "" : " ID_LIKE=" + String.join(" ", o.idLike()))
                + (o.versionId().isEmpty() ? "" : " VERSION_ID=" + o.versionId()))
                .orElse("an image without /etc/os-release");
        String names = installed.isEmpty() ? "none"
                : String.join(", ", installed.stream().map(DistroAdapter::name).sorted().toList());
        if (distroFallback) {
            LOG.warning("no distro adapter recognises " + what + " (installed: " + names + "): LXC presets the"
                    + " addresses (distro.fallback); the image's own network files are left as they are");
            return null;
        }
        throw new LxcatException("no distro adapter recognises " + what + " (installed adapters: " + names
                + "); copy the distro bundle for it into deploy/, or set DISTRO_FALLBACK=true to let LXC preset"
                + " the addresses");
    }

    /** {@code lxc.net.N.ipv4/ipv6.address/gateway} for {@code distro.fallback}. */
    static List<String> lxcAddressPresets(NetworkPlan plan) {
        List<String> lines = new java.util.ArrayList<>();
        for (int n = 0; n < plan.interfaces().size(); n++) {
            var itf = plan.interfaces().get(n);
            String p = "lxc.net." + n + ".";
            itf.ipv4().forEach(a -> lines.add(p + "ipv4.address = " + a));
            itf.ipv6().forEach(a -> lines.add(p + "ipv6.address = " + a));
            if (itf.gateway4() != null) {
                lines.add(p + "ipv4.gateway = " + itf.gateway4());
            }
            if (itf.gateway6() != null) {
                lines.add(p + "ipv6.gateway = " + itf.gateway6());
            }
        }
        return lines;
    }

    private void supervise() {
        driver.exited().thenAccept(code -> {
            if (stopRequested) {
                return;
            }
            state = code == 0 ? ContainerState.STOPPED : ContainerState.FAILED;
            startedAt = null;
            driver.drainConsole();
            List<String> last = driver.consoleLog(spec, 1);
            String reason = "lxc-start exit status " + code
                    + (last.isEmpty() || last.get(0).isBlank() ? "" : ", last console line: " + last.get(0).strip());
            message = "container stopped on its own (" + reason + ")";
            LOG.warning("container " + spec.name() + " stopped on its own (" + reason + "); the runtime exits too");
            exiter.accept(code == 0 ? 0 : 1);
        });
    }

    /** Writes what a start reuses the container with: the image's LXC lines, then the state file. */
    private static void record(Path dir, IdRange range, String image, List<String> imageLines) throws LxcatException {
        try {
            writeAtomically(dir.resolve(IMAGE_CONFIG_FILE), String.join("\n", imageLines) + "\n");
            Map<String, String> state = new LinkedHashMap<>();
            state.put("idmap.base", String.valueOf(range.base()));
            state.put("idmap.size", String.valueOf(range.size()));
            state.put("image", image);
            state.put("created", Instant.now().toString());
            writeAtomically(dir.resolve(STATE_FILE), StateFile.format("lxcatastrophe container state", state));
        } catch (IOException e) {
            throw new LxcatException("cannot record the container in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Properties readState(Path dir) throws IOException {
        Path f = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        return p;
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void removeQuietly(Path dir) {
        try {
            if (!Files.exists(dir)) {
                return;
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
            LOG.info("removed the half-made container " + dir);
        } catch (IOException e) {
            LOG.warning("could not remove the half-made container " + dir + ": " + e.getMessage() + "; remove it by hand");
        }
    }

}
