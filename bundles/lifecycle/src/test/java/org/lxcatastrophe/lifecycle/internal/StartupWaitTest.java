package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * When the autostart may prepare the container: after the final start level's event (not when the level number is
 * set), at once when the launcher said so already, never while the framework stops, after a cancel, or when a
 * component refused its configuration. A fake framework; each wait's limit is far above what the tests allow.
 */
public class StartupWaitTest {
    private static final Duration LONG = Duration.ofMinutes(2);
    private final List<FrameworkListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger systemState = new AtomicInteger(Bundle.ACTIVE);
    private Map<String, String> properties = Map.of(StartupWait.FINAL_START_LEVEL_PROPERTY, "2");
    private Bundle system;
    private BundleContext context;

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, BiFunction<String, Object[], Object> answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> switch (m.getName()) {
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            case "toString" -> type.getSimpleName();
            default -> answer.apply(m.getName(), a);
        });
    }

    @Before
    public void framework() {
        System.clearProperty(StartupWait.STARTED_PROPERTY);
        FrameworkStartLevel level = proxy(FrameworkStartLevel.class, (m, a) -> m.equals("getStartLevel") ? 2 : null);
        system = proxy(Bundle.class, (m, a) -> switch (m) {
            case "getState" -> systemState.get();
            case "adapt" -> level;
            default -> null;
        });
        context = proxy(BundleContext.class, (m, a) -> switch (m) {
            case "getProperty" -> properties.get((String) a[0]);
            case "getBundle" -> system;
            case "addFrameworkListener" -> listeners.add((FrameworkListener) a[0]);
            case "removeFrameworkListener" -> listeners.remove(a[0]);
            default -> null;
        });
    }

    @After
    public void clear() {
        System.clearProperty(StartupWait.STARTED_PROPERTY);
    }

    private void later(Runnable r) {
        new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            r.run();
        }).start();
    }

    private long timed(StartupWait w, ServiceComponentRuntime scr, boolean expected) throws Exception {
        long t0 = System.nanoTime();
        assertEquals(expected, w.await(context, LONG, () -> scr));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    public void goesOnAtTheFinalStartLevelEventAndRemovesItsListener() throws Exception {
        later(() -> listeners.forEach(l -> l.frameworkEvent(new FrameworkEvent(FrameworkEvent.STARTLEVEL_CHANGED, system, null))));
        long ms = timed(new StartupWait(), null, true);
        assertTrue("went on at the event, not at the two-minute limit: " + ms + " ms", ms < 60_000);
        assertEquals(List.of(), listeners);
    }

    @Test
    public void goesOnAtOnceWhenTheLauncherSaidTheStartUpEndedOrThereIsNoLauncher() throws Exception {
        System.setProperty(StartupWait.STARTED_PROPERTY, "true");
        assertTrue(timed(new StartupWait(), null, true) < 60_000);
        System.clearProperty(StartupWait.STARTED_PROPERTY);
        properties = Map.of();
        assertTrue(timed(new StartupWait(), null, true) < 60_000);
    }

    @Test
    public void aCancelEndsTheWaitWithNo() throws Exception {
        StartupWait w = new StartupWait();
        later(w::cancel);
        assertTrue(timed(w, null, false) < 60_000);
    }

    /** The event went to the listeners Felix had when it queued it: the launcher's property, set just after, counts. */
    @Test
    public void aMissedEventIsMadeUpForByTheLaunchersProperty() throws Exception {
        later(() -> System.setProperty(StartupWait.STARTED_PROPERTY, "true"));
        assertTrue(timed(new StartupWait(), null, true) < 60_000);
    }

    @Test
    public void aStoppingFrameworkOrAnEndingRuntimeMeansNo() throws Exception {
        System.setProperty(StartupWait.STARTED_PROPERTY, "true");
        systemState.set(Bundle.STOPPING);
        timed(new StartupWait(), null, false);
        systemState.set(Bundle.ACTIVE);
        // a core bundle failed (exit status 3): the framework is not STOPPING yet when the start level event comes
        System.setProperty(ContainerLifecycleImpl.EXIT_PROPERTY, "3");
        try {
            timed(new StartupWait(), null, false);
        } finally {
            System.clearProperty(ContainerLifecycleImpl.EXIT_PROPERTY);
        }
    }

    @Test
    public void aComponentThatRefusedItsConfigurationDuringTheStartUpMeansNoButNotLater() throws Exception {
        ComponentDescriptionDTO shell = new ComponentDescriptionDTO();
        shell.name = "org.lxcatastrophe.shell.internal.ShellServer";
        ComponentConfigurationDTO failed = new ComponentConfigurationDTO();
        failed.state = ComponentConfigurationDTO.FAILED_ACTIVATION;
        // SCR keeps the stack trace of what the activate method threw
        failed.failure = "org.lxcatastrophe.api.ConfigurationException: shell.host=0.0.0.0 is not a loopback address\n\tat ...";
        ComponentConfigurationDTO other = new ComponentConfigurationDTO();
        other.state = ComponentConfigurationDTO.FAILED_ACTIVATION;
        other.failure = "java.lang.IllegalStateException: something else";
        ComponentConfigurationDTO active = new ComponentConfigurationDTO();
        active.state = ComponentConfigurationDTO.ACTIVE;
        List<List<ComponentConfigurationDTO>> configs = new CopyOnWriteArrayList<>(List.of(List.of(active, failed)));
        ServiceComponentRuntime scr = proxy(ServiceComponentRuntime.class, (m, a) -> switch (m) {
            case "getComponentDescriptionDTOs" -> List.of(shell);
            case "getComponentConfigurationDTOs" -> configs.get(0);
            default -> null;
        });
        assertEquals(shell.name, StartupWait.refusedConfiguration(scr));
        Runnable levelReached = () -> listeners.forEach(l -> l.frameworkEvent(new FrameworkEvent(FrameworkEvent.STARTLEVEL_CHANGED, system, null)));
        later(levelReached);
        timed(new StartupWait(), scr, false);
        // after the start-up a refused value is only logged and SCR keeps the failure: a lifecycle activated then
        // (an edited etc file) starts its container all the same
        System.setProperty(StartupWait.STARTED_PROPERTY, "true");
        timed(new StartupWait(), scr, true);
        System.clearProperty(StartupWait.STARTED_PROPERTY);
        // a failure that is not about configuration is the component's own business
        configs.set(0, List.of(active, other));
        assertNull(StartupWait.refusedConfiguration(scr));
        later(levelReached);
        timed(new StartupWait(), scr, true);
        assertFalse(StartupWait.finalLevel("x") > 0);
    }
}
