package org.lxcatastrophe.config.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.Test;

public class EnvNamesTest {

    @Test
    public void keyUpperCasedDotsAndDashesToUnderscores() {
        assertEquals("DIST_NAME", EnvNames.envName("dist.name"));
        assertEquals("DIST_FLAVOUR", EnvNames.envName("dist.flavour"));
        assertEquals("IMAGE_SERVER", EnvNames.envName("image.server"));
        assertEquals("SSH_AUTHORIZED_KEYS", EnvNames.envName("ssh.authorized.keys"));
        assertEquals("CONTAINER_NAME", EnvNames.envName("container.name"));
        assertEquals("IMAGE_CACHE_FORCE", EnvNames.envName("image.cache.force"));
        assertEquals("LXC_CONFIG_EXTRA", EnvNames.envName("lxc-config.extra"));
    }

    @Test
    public void distReleaseIsAnAliasOfDistFlavour() {
        assertEquals(List.of("DIST_FLAVOUR", "DIST_RELEASE"), EnvNames.variables("dist.flavour"));
        assertEquals(Map.entry("DIST_RELEASE", "noble"),
                EnvNames.lookup("dist.flavour", Map.of("DIST_RELEASE", "noble")).orElseThrow());
        // the key's own variable wins over the alias
        assertEquals(Map.entry("DIST_FLAVOUR", "bookworm"),
                EnvNames.lookup("dist.flavour", Map.of("DIST_RELEASE", "noble", "DIST_FLAVOUR", "bookworm")).orElseThrow());
        // the alias belongs to dist.flavour only
        assertEquals(List.of("DIST_NAME"), EnvNames.variables("dist.name"));
    }

    @Test
    public void unsetOrOtherCaseIsNoOverride() {
        assertTrue(EnvNames.lookup("dist.name", Map.of("dist_name", "alpine", "DIST_NAMES", "x")).isEmpty());
        assertEquals("", EnvNames.lookup("dist.name", Map.of("DIST_NAME", "")).orElseThrow().getValue());
    }
}
