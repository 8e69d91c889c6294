package org.lxcatastrophe.config.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.Test;
import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.config.ConfigValue;
import org.lxcatastrophe.api.config.ConfigValue.Source;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;

/** The environment-over-etc mapping a Config Admin plugin applies, and the one-line messages for invalid values. */
public class EnvConfigurationTest {

    static final String IMAGE = "org.lxcatastrophe.image";
    static final String IDMAP = "org.lxcatastrophe.idmap";

    /** Config Admin holding exactly the given etc-file configurations (PID -> properties). */
    static ConfigurationAdmin etcFiles(Map<String, Dictionary<String, Object>> files) {
        return (ConfigurationAdmin) Proxy.newProxyInstance(EnvConfigurationTest.class.getClassLoader(),
                new Class<?>[] { ConfigurationAdmin.class }, (proxy, method, args) -> {
                    if (!method.getName().equals("listConfigurations")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    String filter = (String) args[0];
                    for (Map.Entry<String, Dictionary<String, Object>> e : files.entrySet()) {
                        if (filter.equals("(" + Constants.SERVICE_PID + "=" + e.getKey() + ")")) {
                            Dictionary<String, Object> props = e.getValue();
                            return new Configuration[] { (Configuration) Proxy.newProxyInstance(
                                    EnvConfigurationTest.class.getClassLoader(), new Class<?>[] { Configuration.class },
                                    (p2, m2, a2) -> {
                                        if (m2.getName().equals("getProperties")) {
                                            return props;
                                        }
                                        throw new UnsupportedOperationException(m2.getName());
                                    }) };
                        }
                    }
                    return null;
                });
    }

    static EnvConfiguration withKeys(Map<String, String> env) {
        return withKeys(env, Map.of());
    }

    static EnvConfiguration withKeys(Map<String, String> env, Map<String, Dictionary<String, Object>> files) {
        EnvConfiguration c = new EnvConfiguration(env);
        c.configAdmin = etcFiles(files);
        Map<String, Map<String, KeyInfo>> pids = new TreeMap<>();
        Map<String, KeyInfo> image = new TreeMap<>();
        for (String k : List.of("dist.name", "dist.flavour", "dist.arch")) {
            image.put(k, new KeyInfo(IMAGE, k, AttributeDefinition.STRING, 0, List.of(), List.of(), false, ""));
        }
        image.put("image.download.tries", new KeyInfo(IMAGE, "image.download.tries", AttributeDefinition.INTEGER, 0,
                List.of("3"), List.of(), false, ""));
        image.put("image.mirrors", new KeyInfo(IMAGE, "image.mirrors", AttributeDefinition.STRING, 5, List.of(),
                List.of(), false, ""));
        pids.put(IMAGE, image);
        Map<String, KeyInfo> idmap = new TreeMap<>();
        idmap.put("idmap.size", new KeyInfo(IDMAP, "idmap.size", AttributeDefinition.LONG, 0, List.of("65536"), List.of(),
                false, ""));
        pids.put(IDMAP, idmap);
        c.recordKeys(7, pids);
        return c;
    }

    static Dictionary<String, Object> config(String pid, Object... keyValues) {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put(Constants.SERVICE_PID, pid);
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    @Test
    public void environmentOverridesTheEtcFileForTheKeysOfThePid() {
        EnvConfiguration c = withKeys(Map.of("DIST_NAME", "alpine", "DIST_RELEASE", "3.20", "IDMAP_SIZE", "131072",
                "IMAGE_MIRRORS", "http://a, http://b"));
        Dictionary<String, Object> d = config(IMAGE, "dist.name", "debian", "dist.arch", "arm64");
        c.modifyConfiguration(null, d);
        assertEquals("alpine", d.get("dist.name"));
        assertEquals("3.20", d.get("dist.flavour"));
        assertEquals("arm64", d.get("dist.arch"));           // no variable: the etc value stays
        assertArrayEquals(new String[] { "http://a", "http://b" }, (String[]) d.get("image.mirrors"));
        assertNull(d.get("idmap.size"));                    // another PID's key is not put here
        Dictionary<String, Object> other = config("org.example.other", "dist.name", "x");
        c.modifyConfiguration(null, other);
        assertEquals("x", other.get("dist.name"));          // PIDs without our metatype are left alone
    }

    @Test
    public void effectiveValuesSaySource() {
        EnvConfiguration c = withKeys(Map.of("DIST_RELEASE", "noble"),
                Map.of(IMAGE, config(IMAGE, "dist.name", "ubuntu", "dist.flavour", "jammy")));
        ConfigValue name = c.values().stream().filter(v -> v.key().equals("dist.name")).findFirst().orElseThrow();
        assertEquals(Source.FILE, name.source());
        assertEquals("ubuntu", name.value());
        ConfigValue flavour = c.values().stream().filter(v -> v.key().equals("dist.flavour")).findFirst().orElseThrow();
        assertEquals(Source.ENV, flavour.source());
        assertEquals("DIST_RELEASE", flavour.envVar());
        assertEquals("noble", flavour.value());
        ConfigValue tries = c.values().stream().filter(v -> v.key().equals("image.download.tries")).findFirst()
                .orElseThrow();
        assertEquals(Source.DEFAULT, tries.source());
        assertEquals("IMAGE_DOWNLOAD_TRIES", tries.envVar());
        assertEquals("3", tries.value());
    }

    @Test
    public void anInvalidValueIsOneLineNamingKeyAndVariable() throws Exception {
        EnvConfiguration c = withKeys(Map.of("IDMAP_SIZE", "abc"),
                Map.of(IMAGE, config(IMAGE, "image.download.tries", "many")));
        ConfigValue v = c.values(IDMAP).get(0);
        assertFalse(v.valid());
        String message = EnvConfiguration.message(v);
        assertEquals("Invalid configuration idmap.size=abc (from environment variable IDMAP_SIZE): 'abc' is not a whole"
                + " number; set IDMAP_SIZE or idmap.size in etc/org.lxcatastrophe.idmap.cfg to a valid value", message);
        try {
            c.validate(IDMAP);
            throw new AssertionError("validate must refuse idmap.size=abc");
        } catch (ConfigurationException e) {
            assertEquals(message, e.getMessage());
        }
        // an etc file value: the message says so
        try {
            c.validate(IMAGE);
            throw new AssertionError("validate must refuse image.download.tries=many");
        } catch (ConfigurationException e) {
            assertEquals("Invalid configuration image.download.tries=many (from etc/org.lxcatastrophe.image.cfg): 'many'"
                    + " is not a whole number; set IMAGE_DOWNLOAD_TRIES or image.download.tries in"
                    + " etc/org.lxcatastrophe.image.cfg to a valid value", e.getMessage());
        }
    }

    @Test
    public void aComponentsConfigurationExceptionIsFoundInTheLoggedChain() {
        ConfigurationException ce = new ConfigurationException("idmap.size", "idmap.size (IDMAP_SIZE) = 5 is invalid");
        assertEquals("idmap.size (IDMAP_SIZE) = 5 is invalid",
                LogBridge.configurationProblem(new RuntimeException("activate failed", new RuntimeException(ce))));
        // the OSGi log's copy of an exception keeps only its text
        assertEquals("container.stop.timeout (CONTAINER_STOP_TIMEOUT) = 0 is invalid", LogBridge.configurationProblem(
                new Exception(ConfigurationException.class.getName()
                        + ": container.stop.timeout (CONTAINER_STOP_TIMEOUT) = 0 is invalid")));
        assertNull(LogBridge.configurationProblem(new IllegalStateException("something else")));
        assertNull(LogBridge.configurationProblem(null));
    }
}
