package org.lxcatastrophe.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.container.ContainerLifecycle;
import org.lxcatastrophe.api.container.ContainerState;
import org.lxcatastrophe.api.distro.DistroAdapter;
import org.lxcatastrophe.api.image.SignatureVerifier;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The assembled distribution in a Felix native container: its {@code bundle/} (start levels from its
 * conf/config.properties), its framework properties, its etc/ read by FileInstall and its distro plugins going in
 * through a FileInstall-watched {@code deploy/}, exactly as {@code bin/lxcatastrophe} runs them. Container autostart
 * is off, the interface to take over does not exist and the images server refuses connections, so no test here can
 * start a container.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionPaxExamTest {

    static final String HOME_PROPERTY = "lxcat.itest.home";
    static final long TIMEOUT_MS = 60_000;
    /** Framework properties of the launcher that Pax Exam owns here (cache, installing bundle/, start levels). */
    static final Set<String> LAUNCHER_ONLY = Set.of(Constants.FRAMEWORK_STORAGE, Constants.FRAMEWORK_STORAGE_CLEAN,
            Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "felix.auto.deploy.dir", "felix.auto.deploy.action",
            "felix.auto.deploy.startlevel", "felix.startlevel.bundle");

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        Path home = DistributionSupport.copyDistribution("lxcat-paxexam", true);
        Path parent = home.getParent();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                DistributionSupport.deleteTree(parent);
            } catch (IOException e) {
                System.err.println("could not remove " + parent + ": " + e.getMessage());
            }
        }));
        Map<String, String> props = DistributionSupport.configProperties(home);
        Set<String> early = new HashSet<>(Arrays.asList(props.getOrDefault("lxcatastrophe.early.bundles", "")
                .split("\\s*,\\s*")));
        List<Option> options = new ArrayList<>();
        options.add(systemProperty(HOME_PROPERTY).value(home.toString()));
        options.add(systemProperty("lxcatastrophe.home").value(home.toString()));
        options.add(systemProperty(DistributionSupport.DISTRIBUTION_PROPERTY)
                .value(DistributionSupport.distribution().toString()));
        options.add(systemProperty(DistributionSupport.WORK_PROPERTY).value(parent.getParent().toString()));
        options.add(systemProperty(DistributionSupport.SAMPLE_PLUGIN_PROPERTY)
                .value(DistributionSupport.samplePlugin().toString()));
        props.forEach((k, v) -> {
            if (!LAUNCHER_ONLY.contains(k)) {
                options.add(frameworkProperty(k).value(v));
            }
        });
        // bundle/ of the copy: every jar, with the start level the launcher gives it
        for (Map.Entry<String, Path> b : DistributionSupport.bundles(home.resolve("bundle")).entrySet()) {
            options.add(bundle(b.getValue().toUri().toString()).startLevel(early.contains(b.getKey()) ? 1 : 2).start());
        }
        // Pax Exam's own bundles log through SLF4J (the distribution has no logging bundle for it to use)
        options.add(mavenBundle("org.slf4j", "slf4j-api", "1.7.36"));
        options.add(mavenBundle("org.slf4j", "slf4j-simple", "1.7.36").noStart());
        options.add(junitBundles());
        options.add(cleanCaches(true));
        return options.toArray(new Option[0]);
    }

    static Path home() {
        return Paths.get(System.getProperty(HOME_PROPERTY));
    }

    @Before
    public void distroPluginsDeployed() throws Exception {
        Set<String> expected = DistributionSupport.bundles(DistributionSupport.distribution().resolve("deploy")).keySet();
        assertFalse("the distribution's deploy/ holds no distro plugin", expected.isEmpty());
        await("the distro plugins of deploy/ installed by FileInstall and active: " + expected, () -> {
            Set<String> active = Arrays.stream(context.getBundles()).filter(b -> b.getState() == Bundle.ACTIVE)
                    .map(Bundle::getSymbolicName).collect(Collectors.toSet());
            return active.containsAll(expected);
        });
    }

    // ---- the core set is closed and everything starts

    @Test
    public void everyBundleOfTheDistributionResolvesAndIsActive() throws Exception {
        Map<String, Path> expected = new TreeMap<>(DistributionSupport.bundles(DistributionSupport.distribution().resolve("bundle")));
        expected.putAll(DistributionSupport.bundles(DistributionSupport.distribution().resolve("deploy")));
        Map<String, Bundle> installed = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            installed.put(b.getSymbolicName(), b);
        }
        List<String> problems = new ArrayList<>();
        for (String bsn : expected.keySet()) {
            Bundle b = installed.get(bsn);
            if (b == null) {
                problems.add(bsn + ": not installed");
            } else if (!isFragment(b) && b.getState() != Bundle.ACTIVE) {
                problems.add(bsn + ": " + state(b) + " - " + whyNotActive(b));
            }
        }
        assertTrue("bundles of the distribution that do not run (the core set is not closed):\n  "
                + String.join("\n  ", problems), problems.isEmpty());
        // and nothing else is left unresolved (Pax Exam's own bundles included)
        for (Bundle b : context.getBundles()) {
            if (!isFragment(b)) {
                assertEquals(b.getSymbolicName() + " " + whyNotActive(b), Bundle.ACTIVE, b.getState());
            }
        }
    }

    /**
     * features/openpgp (the verifier and BouncyCastle) is not in the boot set; the image service installs it when GPG
     * checking first needs it, so it must resolve against the core set: installed here the same way (by reference),
     * every bundle is ACTIVE, the verifier is registered, and it runs BouncyCastle code inside the framework.
     */
    @Test
    public void theOpenPgpFeatureResolvesAgainstTheCoreSetAndProvidesTheVerifier() throws Exception {
        Map<String, Path> feature = DistributionSupport.bundles(home().resolve("features/openpgp"));
        assertTrue(feature.keySet().toString(), feature.keySet().containsAll(List.of("org.lxcatastrophe.openpgp", "bcprov", "bcpg")));
        List<Bundle> installed = new ArrayList<>();
        try {
            for (Path jar : feature.values()) {
                String location = "reference:" + jar.toUri();
                assertNull("already installed at start-up: " + jar, context.getBundle(location));
                installed.add(context.installBundle(location));
            }
            for (Bundle b : installed) {
                if (!isFragment(b)) {
                    b.start();
                }
                assertEquals(b.getSymbolicName() + " " + whyNotActive(b), Bundle.ACTIVE, b.getState());
            }
            ServiceTracker<SignatureVerifier, SignatureVerifier> t = new ServiceTracker<>(context, SignatureVerifier.class, null);
            t.open();
            try {
                SignatureVerifier v = t.waitForService(TIMEOUT_MS);
                assertNotNull("no SignatureVerifier registered by the OpenPGP feature", v);
                Path notAKey = Files.writeString(home().resolve("not-a-key.asc"), "not a key\n");
                try {
                    v.readKeyring(notAKey);
                    fail("a text file was read as a keyring");
                } catch (LxcatException e) {
                    assertTrue(e.getMessage(), e.getMessage().contains(notAKey.toString()) && e.getMessage().contains("(image.gpg.keyring)"));
                }
            } finally {
                t.close();
            }
        } finally {
            for (Bundle b : installed) {
                b.uninstall();
            }
        }
    }

    static boolean isFragment(Bundle b) {
        BundleRevision r = b.adapt(BundleRevision.class);
        return r != null && (r.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + b.getState();
        };
    }

    /** The framework's own words: for an unresolved bundle they name the missing requirement. */
    static String whyNotActive(Bundle b) {
        if (b.getState() == Bundle.ACTIVE) {
            return "";
        }
        try {
            b.start(Bundle.START_TRANSIENT);
            return "started only when asked again";
        } catch (BundleException | IllegalStateException e) {
            return e.getMessage();
        }
    }

    // ---- Declarative Services

    @Test
    public void everyComponentIsSatisfied() throws Exception {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs();
        Set<String> ours = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (ComponentDescriptionDTO d : descriptions) {
            if (d.bundle.symbolicName.startsWith("org.lxcatastrophe.")) {
                ours.add(d.name);
            }
            if (!scr.isComponentEnabled(d)) {
                problems.add(d.name + " (" + d.bundle.symbolicName + "): disabled");
                continue;
            }
            Collection<ComponentConfigurationDTO> configs = scr.getComponentConfigurationDTOs(d);
            if (configs.isEmpty()) {
                problems.add(d.name + " (" + d.bundle.symbolicName + "): no configuration (policy "
                        + d.configurationPolicy + ", PIDs " + Arrays.toString(d.configurationPid) + ")");
            }
            for (ComponentConfigurationDTO c : configs) {
                if (c.state != ComponentConfigurationDTO.SATISFIED && c.state != ComponentConfigurationDTO.ACTIVE) {
                    problems.add(d.name + " (" + d.bundle.symbolicName + "): " + describe(c));
                }
            }
        }
        assertTrue("components that are not satisfied:\n  " + String.join("\n  ", problems), problems.isEmpty());
        // the concerns of the design are all there as components
        for (String part : List.of("ImageService", "IdmapService", "HostNetwork", "RootfsService", "SshKey",
                "ContainerLifecycle", "ShellServer", "EnvConfiguration", "StatusCommand", "DistrosCommand",
                "ConfigCommand")) {
            assertTrue("no component named like " + part + " among " + ours,
                    ours.stream().anyMatch(n -> n.contains(part)));
        }
    }

    static String describe(ComponentConfigurationDTO c) {
        String state = switch (c.state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "waits for its configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied references";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "activation failed: " + c.failure;
            default -> "state " + c.state;
        };
        StringBuilder sb = new StringBuilder(state);
        for (UnsatisfiedReferenceDTO u : c.unsatisfiedReferences) {
            sb.append("; missing ").append(u.name).append(u.target == null ? "" : " " + u.target);
        }
        return sb.toString();
    }

    @Test
    public void theLifecycleHasEveryServiceBound() throws Exception {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        ComponentDescriptionDTO lifecycle = scr.getComponentDescriptionDTOs().stream()
                .filter(d -> Arrays.asList(d.serviceInterfaces).contains(ContainerLifecycle.class.getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no component provides ContainerLifecycle"));
        ComponentConfigurationDTO config = scr.getComponentConfigurationDTOs(lifecycle).stream().findFirst()
                .orElseThrow(() -> new AssertionError("the lifecycle component has no configuration"));
        assertEquals(describe(config), ComponentConfigurationDTO.ACTIVE, config.state);
        Map<String, String> interfaces = new TreeMap<>();
        for (ReferenceDTO r : lifecycle.references) {
            interfaces.put(r.name, r.interfaceName);
        }
        Map<String, Integer> bound = new TreeMap<>();
        for (SatisfiedReferenceDTO s : config.satisfiedReferences) {
            bound.put(interfaces.get(s.name), s.boundServices.length);
        }
        for (String api : List.of("org.lxcatastrophe.api.image.ImageService", "org.lxcatastrophe.api.idmap.IdmapService",
                "org.lxcatastrophe.api.network.HostNetwork", "org.lxcatastrophe.api.rootfs.RootfsService",
                "org.lxcatastrophe.api.ssh.SshKeyService")) {
            assertEquals(api + " bound to the lifecycle (" + bound + ")", Integer.valueOf(1), bound.get(api));
        }
        int adapters = context.getServiceReferences(DistroAdapter.class, null).size();
        assertTrue("no distro adapter registered", adapters > 0);
        assertEquals("distro adapters bound to the lifecycle", Integer.valueOf(adapters),
                bound.get(DistroAdapter.class.getName()));
        // the lifecycle's own view agrees
        Map<String, String> wiring = service(ContainerLifecycle.class).wiring();
        assertFalse(wiring.toString(), wiring.containsValue("missing"));
        assertEquals(wiring.toString(), adapters, wiring.keySet().stream().filter(k -> k.startsWith("DistroAdapter ")).count());
        ContainerState state = service(ContainerLifecycle.class).status().state();
        assertTrue("no container runs here: " + state, state == ContainerState.NEW || state == ContainerState.FAILED);
    }

    // ---- hot deploy through deploy/

    @Test
    public void aDistroPluginIsInstalledUpdatedAndRemovedThroughDeploy() throws Exception {
        Path deploy = home().resolve("deploy");
        String jar = "sample-plugin.jar";
        String bsn = DistributionSupport.symbolicName(DistributionSupport.samplePlugin());
        ContainerLifecycle lifecycle = service(ContainerLifecycle.class);
        assertFalse(adapters().containsKey(DistributionSupport.SAMPLE_ADAPTER));

        long t0 = System.nanoTime();
        DistributionSupport.drop(deploy, jar, DistributionSupport.read(DistributionSupport.samplePlugin()));
        await("the sample adapter registered", () -> adapters().containsKey(DistributionSupport.SAMPLE_ADAPTER));
        long installMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(DistributionSupport.FIRST_DESCRIPTION, adapters().get(DistributionSupport.SAMPLE_ADAPTER));
        await("the lifecycle sees the sample adapter", () -> DistributionSupport.FIRST_DESCRIPTION
                .equals(lifecycle.wiring().get("DistroAdapter " + DistributionSupport.SAMPLE_ADAPTER)));
        assertTrue(command("lxcat:distros").contains(DistributionSupport.FIRST_DESCRIPTION));
        Bundle plugin = installed(bsn);
        long id = plugin.getBundleId();
        String version = plugin.getVersion().toString();

        String second = "Sample distro plugin (itests), second build";
        t0 = System.nanoTime();
        DistributionSupport.drop(deploy, jar, DistributionSupport.changedPlugin(second));
        await("the sample adapter updated", () -> second.equals(adapters().get(DistributionSupport.SAMPLE_ADAPTER)));
        long updateMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        await("the lifecycle sees the updated adapter",
                () -> second.equals(lifecycle.wiring().get("DistroAdapter " + DistributionSupport.SAMPLE_ADAPTER)));
        Bundle updated = installed(bsn);
        assertEquals("FileInstall updates the bundle in place", id, updated.getBundleId());
        assertNotEquals(version, updated.getVersion().toString());
        assertEquals(1, adapters().keySet().stream().filter(DistributionSupport.SAMPLE_ADAPTER::equals).count());
        String listed = command("lxcat:distros");
        assertTrue(listed, listed.contains(second) && !listed.contains(DistributionSupport.FIRST_DESCRIPTION));

        t0 = System.nanoTime();
        Files.delete(deploy.resolve(jar));
        await("the sample adapter unregistered", () -> !adapters().containsKey(DistributionSupport.SAMPLE_ADAPTER));
        long removeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        await("the sample bundle uninstalled", () -> installed(bsn) == null);
        assertFalse(lifecycle.wiring().containsKey("DistroAdapter " + DistributionSupport.SAMPLE_ADAPTER));
        assertFalse(command("lxcat:distros").contains("sample"));
        System.out.println("hot deploy in the Pax Exam framework: install " + installMs + " ms, update " + updateMs
                + " ms, remove " + removeMs + " ms");
    }

    /** adapter name -> description of every registered DistroAdapter. */
    Map<String, String> adapters() throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (ServiceReference<DistroAdapter> r : context.getServiceReferences(DistroAdapter.class, null)) {
            DistroAdapter a = context.getService(r);
            if (a != null) {
                try {
                    m.merge(a.name(), a.description(), (x, y) -> x + " | " + y);
                } finally {
                    context.ungetService(r);
                }
            }
        }
        return m;
    }

    Bundle installed(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst().orElse(null);
    }

    // ---- the lxcat commands

    /** Commands that act on the container: with none there they must refuse with one line, and start nothing. */
    static final Set<String> CONTAINER_ACTIONS = Set.of("start", "stop", "restart", "exec");
    /** Arguments for commands that need some (everything else is called without). */
    static final Map<String, String> ARGUMENTS = Map.of("exec", " true", "fetch", " debian bookworm");

    @Test
    public void everyLxcatCommandAnswers() throws Exception {
        Set<String> functions = new TreeSet<>();
        Set<String> methodCommands = new TreeSet<>();   // the ones Gogo's help describes from @Descriptor
        for (ServiceReference<?> r : context.getServiceReferences((String) null, "(osgi.command.scope=lxcat)")) {
            Object f = r.getProperty("osgi.command.function");
            List<String> names = f instanceof String[] a ? Arrays.asList(a) : f == null ? List.of() : List.of(f.toString());
            functions.addAll(names);
            Object service = context.getService(r);
            try {
                if (!(service instanceof org.apache.felix.service.command.Function)) {
                    methodCommands.addAll(names);
                }
            } finally {
                context.ungetService(r);
            }
        }
        assertTrue("the lxcat scope misses its basic commands: " + functions,
                functions.containsAll(List.of("status", "distros", "config")));
        ContainerLifecycle lifecycle = service(ContainerLifecycle.class);
        List<String> report = new ArrayList<>();
        for (String f : functions) {
            String line = "lxcat:" + f + ARGUMENTS.getOrDefault(f, "");
            Answer a = run(line);
            report.add(line + " -> " + (a.failure == null ? "ok" : "refused: " + a.failure));
            if (CONTAINER_ACTIONS.contains(f)) {
                assertNotNull(line + " must refuse without a container, said: " + a.out, a.failure);
                assertTrue(line + ": " + a.failure, a.failure.contains("not running") || a.failure.contains("IMAGE_SERVER")
                        || a.failure.contains("NETWORK_INTERFACES") || a.failure.contains("cannot"));
                assertNotEquals(ContainerState.RUNNING, lifecycle.status().state());
                assertNotEquals(ContainerState.STARTING, lifecycle.status().state());
            } else if (a.failure == null) {
                assertFalse(line + " printed nothing", a.out.isBlank());
            }
            if (a.failure != null) {
                assertFalse(line + ": Gogo could not call it: " + a.failure, a.failure.contains("Command not found")
                        || a.failure.contains("Cannot coerce"));
                assertFalse(line + ": not one line: " + a.failure, a.failure.strip().contains("\n"));
                assertFalse(line + ": " + a.failure, a.failure.isBlank());
            }
        }
        // help text (@Descriptor) for the method-based commands
        String help = command("help");
        for (String f : methodCommands) {
            assertTrue("help does not list lxcat:" + f, help.contains("lxcat:" + f));
        }
        String statusHelp = command("help lxcat:status");
        assertTrue(statusHelp, statusHelp.toLowerCase().contains("state"));
        System.out.println("lxcat commands:\n  " + String.join("\n  ", report));
        // the basic commands say something sensible
        String status = command("lxcat:status");
        // after the refused start the state says so, with the reason
        assertTrue(status, status.contains("state     FAILED")
                && (status.contains("IMAGE_SERVER") || status.contains("NETWORK_INTERFACES"))
                && status.contains("ImageService"));
        assertTrue(command("lxcat:config").contains("container.autostart"));
        assertTrue(command("lxcat:config -f idmap").contains("IDMAP_SIZE") || command("lxcat:config -f idmap")
                .contains("idmap.size"));
    }

    /** What one command line did: its output and, when it failed, the error's message. */
    record Answer(String out, String failure) {
    }

    Answer run(String line) throws Exception {
        CommandProcessor processor = service(CommandProcessor.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            try {
                Object result = session.execute(line);
                if (result != null) {
                    out.println(session.format(result, 0));
                }
                out.flush();
                return new Answer(bytes.toString(StandardCharsets.UTF_8), null);
            } catch (Exception e) {
                out.flush();
                return new Answer(bytes.toString(StandardCharsets.UTF_8),
                        e.getMessage() == null ? e.getClass().getName() : e.getMessage());
            }
        }
    }

    String command(String line) throws Exception {
        Answer a = run(line);
        if (a.failure != null) {
            fail(line + " failed: " + a.failure);
        }
        return a.out;
    }

    // ---- helpers

    <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> t = new ServiceTracker<>(context, type, null);
        t.open();
        try {
            T s = t.waitForService(TIMEOUT_MS);
            assertNotNull("no " + type.getName() + " service within " + TIMEOUT_MS + " ms", s);
            return s;
        } finally {
            t.close();
        }
    }

    static void await(String what, Check check) throws Exception {
        long end = System.currentTimeMillis() + TIMEOUT_MS;
        while (!check.ok()) {
            if (System.currentTimeMillis() > end) {
                fail("timed out after " + TIMEOUT_MS + " ms waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

}
