package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/** Which plugin jars a start still waits for, from the folders' contents and the bundles' locations. */
public class PluginDirectoriesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void jarsOfEveryExistingFolderAreListedAndOtherFilesIgnored() throws Exception {
        Path deploy = tmp.newFolder("deploy").toPath();
        Path plugins = tmp.newFolder("plugins").toPath();
        Files.writeString(deploy.resolve("b.jar"), "x");
        Files.writeString(deploy.resolve("notes.txt"), "x");
        Files.createDirectory(deploy.resolve("dir.jar"));
        Files.writeString(plugins.resolve("a.jar"), "x");
        PluginDirectories dirs = new PluginDirectories(List.of(deploy, plugins, tmp.getRoot().toPath().resolve("missing")));
        assertEquals(List.of(deploy.toRealPath().resolve("b.jar"), plugins.toRealPath().resolve("a.jar")), dirs.jars());
    }

    @Test
    public void aJarIsPendingUntilAnActiveBundleWasInstalledFromIt() throws Exception {
        Path deploy = tmp.newFolder("deploy").toPath().toRealPath();
        Files.writeString(deploy.resolve("a.jar"), "x");
        Files.writeString(deploy.resolve("b.jar"), "x");
        List<Path> jars = new PluginDirectories(List.of(deploy)).jars();
        // FileInstall's location form: file:<absolute path>
        Path a = PluginDirectories.fileLocation("file:" + deploy.resolve("a.jar"));
        assertEquals(List.of(deploy.resolve("b.jar")), PluginDirectories.pending(jars, Set.of(a)));
        assertEquals(List.of(), PluginDirectories.pending(jars, Set.of(a,
                PluginDirectories.fileLocation(deploy.resolve("b.jar").toUri().toString()))));
    }

    @Test
    public void locationsThatAreNotFilesAreIgnored() {
        assertNull(PluginDirectories.fileLocation("mvn:org.example/x/1.0"));
        assertNull(PluginDirectories.fileLocation(null));
        assertNull(PluginDirectories.fileLocation("file:relative path with spaces"));
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> switch (m.getName()) {
            case "hashCode" -> System.identityHashCode(p);
            case "equals" -> p == a[0];
            case "toString" -> type.getSimpleName();
            default -> answer.apply(m.getName(), a);
        });
    }

    /** A framework of one bundle installed from {@code jar}, its state in {@code state}; listeners are kept. */
    private static BundleContext framework(Path jar, AtomicInteger state, List<BundleListener> listeners, Bundle[] holder) {
        holder[0] = proxy(Bundle.class, (m, a) -> switch (m) {
            case "getState" -> state.get();
            case "getLocation" -> "file:" + jar;
            default -> null;
        });
        return proxy(BundleContext.class, (m, a) -> switch (m) {
            case "getBundles" -> new Bundle[] {holder[0]};
            case "addBundleListener" -> listeners.add((BundleListener) a[0]);
            case "removeBundleListener" -> listeners.remove(a[0]);
            default -> null;
        });
    }

    /** The start waits for the plugin's STARTED event, not for the next look at the folders (a minute later here). */
    @Test
    public void theWaitEndsWhenThePluginStarts() throws Exception {
        Path jar = Files.writeString(tmp.newFolder("deploy").toPath().toRealPath().resolve("a.jar"), "x");
        AtomicInteger state = new AtomicInteger(Bundle.INSTALLED);
        List<BundleListener> listeners = new CopyOnWriteArrayList<>();
        Bundle[] bundle = new Bundle[1];
        BundleContext context = framework(jar, state, listeners, bundle);
        Thread fileInstall = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            state.set(Bundle.ACTIVE);
            listeners.forEach(l -> l.bundleChanged(new BundleEvent(BundleEvent.STARTED, bundle[0])));
        });
        fileInstall.start();
        long t0 = System.nanoTime();
        List<Path> pending = new PluginDirectories(List.of(jar.getParent())).awaitActive(context, Duration.ofMinutes(2), Duration.ofMinutes(1));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        fileInstall.join();
        assertEquals(List.of(), pending);
        assertTrue("woke at the event, not at the next look a minute later: " + ms + " ms", ms < 30_000);
        assertEquals("the listener is removed", List.of(), listeners);
    }

    /** A jar that becomes active without an event this listener sees is found at the next look. */
    @Test
    public void withoutAnEventTheNextLookFindsIt() throws Exception {
        Path jar = Files.writeString(tmp.newFolder("deploy").toPath().toRealPath().resolve("a.jar"), "x");
        AtomicInteger state = new AtomicInteger(Bundle.INSTALLED);
        List<BundleListener> listeners = new CopyOnWriteArrayList<>();
        BundleContext context = framework(jar, state, listeners, new Bundle[1]);
        new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            state.set(Bundle.ACTIVE);
        }).start();
        assertEquals(List.of(), new PluginDirectories(List.of(jar.getParent())).awaitActive(context, Duration.ofMinutes(2), Duration.ofMillis(50)));
        // and one that never starts is reported when the wait is over
        state.set(Bundle.RESOLVED);
        assertEquals(List.of(jar), new PluginDirectories(List.of(jar.getParent())).awaitActive(context, Duration.ofMillis(200), Duration.ofMillis(50)));
    }
}
