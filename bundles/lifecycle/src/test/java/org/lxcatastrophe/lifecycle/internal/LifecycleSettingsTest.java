package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.lxcatastrophe.api.ConfigurationException;

/**
 * The lifecycle's own checks of its configuration, table-driven: each bad value is refused with one line naming the
 * key; the names LXC and the hostname accept pass.
 */
public class LifecycleSettingsTest {

    /** The configuration with the metatype defaults, {@code overrides} by method name (dots as underscores). */
    static ContainerLifecycleImpl.Config config(Map<String, Object> overrides) {
        return (ContainerLifecycleImpl.Config) Proxy.newProxyInstance(LifecycleSettingsTest.class.getClassLoader(),
                new Class<?>[] { ContainerLifecycleImpl.Config.class }, (p, m, a) -> {
                    if (overrides.containsKey(m.getName())) {
                        return overrides.get(m.getName());
                    }
                    Object d = m.getDefaultValue();
                    if (d == null) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    return d;
                });
    }

    private static String refused(String key, Object value) {
        Map<String, Object> o = new HashMap<>();
        o.put(key, value);
        try {
            ContainerLifecycleImpl.settings(config(o));
        } catch (ConfigurationException e) {
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
            return e.getMessage();
        }
        fail(key + " = '" + value + "' was accepted");
        return null;
    }

    @Test
    public void namesThatAreNoHostnameAreRefused() {
        for (String name : List.of("a/b", "..", "../x", "a b", "a..b", "a.", ".a", "a-", "-a", "a.-b", "a_b", "a\nb",
                "x".repeat(64), "a".repeat(300))) {
            String m = refused("container_name", name);
            assertTrue(m, m.startsWith("container.name (CONTAINER_NAME) = '"));
            assertTrue(m, m.contains("is not a valid hostname"));
        }
    }

    @Test
    public void hostnamesAreAccepted() throws Exception {
        for (String name : List.of("a", "web", "web-1", "Web01", "sys.example", "a-b.c-d.e", "x".repeat(63), "0")) {
            Map<String, Object> o = new HashMap<>();
            o.put("container_name", name);
            assertEquals(name, ContainerLifecycleImpl.settings(config(o)).name());
        }
    }

    /** LXC keys with a dash (the hooks) were refused as "not an LXC setting". */
    @Test
    public void extraLinesWithDashedKeysAreAccepted() throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("lxc_config_extra", "lxc.hook.pre-start = /usr/local/bin/prepare\nlxc.hook.start-host = /bin/true;"
                + " lxc.cgroup2.memory.max = 1G");
        assertEquals(List.of("lxc.hook.pre-start = /usr/local/bin/prepare", "lxc.hook.start-host = /bin/true",
                "lxc.cgroup2.memory.max = 1G"), ContainerLifecycleImpl.settings(config(o)).extra());
    }

    @Test
    public void otherKeys() {
        assertTrue(refused("container_path", "relative/dir").startsWith("container.path (CONTAINER_PATH)"));
        assertTrue(refused("container_path", " ").startsWith("container.path (CONTAINER_PATH)"));
        for (int t : new int[] { 0, -1, 3601, Integer.MAX_VALUE }) {
            assertTrue(refused("container_stop_timeout", t).startsWith("container.stop.timeout (CONTAINER_STOP_TIMEOUT)"));
            assertTrue(refused("container_start_timeout", t).startsWith("container.start.timeout (CONTAINER_START_TIMEOUT)"));
        }
        for (String extra : List.of("foo.bar = 1", "lxc.x = 1\nrm -rf /", "lxc.mount.entry", "= 1", "lxc.a = 1;echo")) {
            assertTrue(refused("lxc_config_extra", extra).startsWith("lxc.config.extra (LXC_CONFIG_EXTRA)"));
        }
    }
}
