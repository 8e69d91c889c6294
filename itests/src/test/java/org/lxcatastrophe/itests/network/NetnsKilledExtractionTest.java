package org.lxcatastrophe.itests.network;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/**
 * Crash safety: the runtime is SIGKILLed in the middle of the first extraction. The next start must not trust the
 * half-made rootfs: it removes the leftover, extracts again from the cache (no second download), boots, and leaves
 * nothing temporary in the container directory.
 */
public class NetnsKilledExtractionTest extends NetnsTestCase {
    private static List<String> leftovers(Path dir) throws Exception {
        try (var l = Files.list(dir)) {
            return l.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".rootfs.tmp-")).toList();
        }
    }

    @Test
    public void aKilledExtractionIsRedoneAndItsLeftoverRemoved() throws Exception {
        String name = "lxn-kill-" + bed.id;
        Map<String, String> env = bed.baseEnv(server, name);
        Path dir = Path.of(env.get("CONTAINER_PATH"), name);

        NetnsTestbed.RuntimeProcess first = bed.startRuntime(env, null, null);
        first.waitForLog("extracting ", Duration.ofMinutes(4));
        NetnsTestbed.waitFor(() -> Files.isDirectory(dir) && !leftovers(dir).isEmpty()
                && Files.list(dir.resolve(leftovers(dir).get(0))).findAny().isPresent(), Duration.ofSeconds(60),
                () -> "the extraction wrote nothing:\n" + first.tail());
        Thread.sleep(300);   // inside the extraction of the real image (it takes seconds)
        first.process.descendants().forEach(ProcessHandle::destroyForcibly);
        first.process.destroyForcibly();
        first.process.waitFor();
        assertFalse("the extraction had finished before the kill; the test proves nothing:\n" + first.tail(),
                first.log().contains("extracted debian"));
        assertEquals(1, leftovers(dir).size());
        assertFalse(Files.exists(dir.resolve("rootfs")));
        assertFalse(Files.exists(dir.resolve("lxcatastrophe.properties")));

        NetnsTestbed.RuntimeProcess second = bed.startRuntime(env, null, null);
        second.waitForLog("container " + name + " is running", Duration.ofMinutes(5));
        assertTrue(second.tail(), second.log().contains(", left by an extraction that was interrupted"));
        assertFalse("the cached image was downloaded again:\n" + second.tail(), second.log().contains(" fetching "));
        assertNotNull("no SSH banner from the container after the redone extraction",
                bed.waitForSshBanner(bed.wrapperIp, Duration.ofSeconds(90)));
        assertEquals(List.of(), leftovers(dir));
        assertEquals(second.tail(), 0, second.terminate(Duration.ofSeconds(60)));
    }
}
