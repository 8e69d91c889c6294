package org.lxcatastrophe.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.lxcatastrophe.itests.DistributionSupport.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.lxcatastrophe.itests.DistributionSupport.Result;

/**
 * Bad input a careless user gives the assembled distribution, without a container start (container.autostart off and
 * an interface name that does not exist, so nothing touches this host's network): every invalid configuration value,
 * from the environment or an etc file, ends the runtime with exit status 2 and one line naming the key, no stack trace
 * and no container directory; the administration shell refuses wrong commands with a status other than 0, survives a
 * huge line, and a private key pasted into SSH_AUTHORIZED_KEYS never appears in any output.
 */
public class DistributionBadInputTest {
    private static final Path DISTRIBUTION = Path.of(System.getProperty("lxcat.distribution",
            "../distribution/target/lxcatastrophe"));
    private static Path work;
    private static Path dist;

    @BeforeClass
    public static void copy() throws Exception {
        Assume.assumeTrue("the assembled distribution is missing at " + DISTRIBUTION,
                Files.isExecutable(DISTRIBUTION.resolve("bin/lxcatastrophe")));
        work = Files.createTempDirectory("lxcat-badinput-");
        dist = work.resolve("dist");
        assertEquals(0, run(Duration.ofSeconds(60), null, "cp", "-a", DISTRIBUTION.toString(), dist.toString()).exit());
    }

    @AfterClass
    public static void remove() throws Exception {
        if (work != null) {
            run(Duration.ofSeconds(60), null, "rm", "-rf", work.toString());
        }
    }

    /** The guarded environment: no start, no interface of this host, private directories, a free shell port. */
    static Map<String, String> env(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("CONTAINER_AUTOSTART", "false");
        env.put("NETWORK_INTERFACES", "lxcat-none0");
        env.put("CONTAINER_PATH", work.resolve("containers").toString());
        env.put("CONTAINER_NAME", name);
        env.put("IMAGE_CACHE", work.resolve("cache").toString());
        env.put("NETWORK_STATE_FILE", work.resolve("plan-" + name + ".json").toString());
        env.put("SHELL_PORT", "0");
        return env;
    }

    /** Runs the runtime with one bad value; it must end by itself with exit status 2 and one line naming the key. */
    private static String refused(String variable, String value, String expected) throws Exception {
        Map<String, String> env = env("bad");
        env.put(variable, value);
        Result r = run(Duration.ofSeconds(90), env, dist.resolve("bin/lxcatastrophe").toString());
        String what = variable + "=" + value + ":\n" + r.output();
        assertEquals(what, 2, r.exit());
        List<String> severe = r.output().lines().filter(l -> l.contains(" SEVERE ")).toList();
        assertEquals(what, 2, severe.size());
        assertTrue(what, severe.get(0).contains(expected));
        assertTrue(what, severe.get(1).contains("Stopping: the configuration is invalid (exit status 2)"));
        assertFalse(what, r.output().contains("\tat "));
        assertFalse("a container directory was made: " + what, Files.exists(work.resolve("containers/bad")));
        return severe.get(0);
    }

    @Test
    public void invalidValuesEndTheRuntimeWithOneLine() throws Exception {
        String[][] cases = {
            { "IDMAP_SIZE", "-1", "idmap.size (IDMAP_SIZE) = -1" },
            { "IDMAP_BASE", "abc", "idmap.base (IDMAP_BASE) = 'abc' is not a number" },
            { "CONTAINER_STOP_TIMEOUT", "1e9", "'1e9' is not a whole number" },
            { "CONTAINER_STOP_TIMEOUT", "0", "container.stop.timeout (CONTAINER_STOP_TIMEOUT) = 0 is invalid" },
            { "SHELL_PORT", "70000", "shell.port=70000 is not a TCP port" },
            { "SHELL_HOST", "0.0.0.0", "shell.host=0.0.0.0 is not a loopback address" },
            { "IMAGE_SERVER", "ftp://x", "image.server 'ftp://x' must start with https://, http:// or file://" },
            { "DIST_NAME", "../etc", "dist.name (DIST_NAME) '../etc' is not a valid distribution name" },
            { "DIST_VARIANT", "a/../b", "dist.variant (DIST_VARIANT) 'a/../b'" },
            { "DIST_ARCH", "bogus", "dist.arch (DIST_ARCH) 'bogus' is not a known architecture: use one of amd64, arm64," },
            { "CONTAINER_NAME", "../x", "container.name (CONTAINER_NAME) = '../x' is not a valid hostname" },
            { "CONTAINER_NAME", "a..", "container.name (CONTAINER_NAME) = 'a..' is not a valid hostname" },
            { "LXC_CONFIG_EXTRA", "foo.bar = 1", "lxc.config.extra (LXC_CONFIG_EXTRA) has 'foo.bar = 1'" },
            { "LXC_CONFIG_EXTRA", "lxc.x = 1\nrm -rf /", "lxc.config.extra (LXC_CONFIG_EXTRA) has 'rm -rf /'" },
            { "NETWORK_DNS_ADDRESS", "127.0.0.1", "network.dns.address (NETWORK_DNS_ADDRESS): '127.0.0.1'" },
            { "NETWORK_BRIDGE_PREFIX", "averyverylongprefix", "network.bridge.prefix (NETWORK_BRIDGE_PREFIX)" },
            { "CONTAINER_AUTOSTART", "maybe", "'maybe' is not true or false" },
            { "SSH_KEYS_POLICY", "x", "'x' is not one of merge, replace" },
            { "SSH_USER", "Bad User", "ssh.user (SSH_USER) 'Bad User' is not a valid user name" },
            { "SSH_AUTHORIZED_KEYS_URL", "ftp://example.org/u.keys", "ssh.authorized.keys.url (SSH_AUTHORIZED_KEYS_URL) must be an https:// URL" },
            { "SSH_KEYS_URL_TIMEOUT", "0", "ssh.keys.url.timeout (SSH_KEYS_URL_TIMEOUT) must be a positive number of seconds" },
        };
        for (String[] c : cases) {
            refused(c[0], c[1], c[2]);
        }
    }

    /**
     * A value only its component can check (the shell's, at start level 2 like the lifecycle) ends the runtime before
     * the lifecycle does anything: with autostart on, nothing is captured, granted, fetched or logged by it. In a
     * network namespace of its own, so that a regression could not touch this host's interfaces. (Which of the
     * lifecycle's guards stops it here depends on timing: StartupWaitTest tests each.)
     */
    @Test
    public void aComponentRefusingItsValueStopsTheRuntimeBeforeTheContainerIsPrepared() throws Exception {
        org.junit.Assume.assumeTrue("needs root and util-linux's unshare (a network namespace)",
                "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare"))
                && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip"))));
        for (String[] c : new String[][] {
            { "SHELL_HOST", "0.0.0.0", "shell.host=0.0.0.0 is not a loopback address" },
            { "SHELL_PORT", "70000", "shell.port=70000 is not a TCP port" },
        }) {
            Map<String, String> env = env("bad");
            env.put("CONTAINER_AUTOSTART", "true");
            env.put("IMAGE_SERVER", "file://" + work.resolve("no-such-mirror"));
            env.put(c[0], c[1]);
            Result r = run(Duration.ofSeconds(90), env, "unshare", "-n", "sh", "-c",
                    "ip link set lo up && exec \"$0\"", dist.resolve("bin/lxcatastrophe").toString());
            String what = c[0] + "=" + c[1] + ":\n" + r.output();
            assertEquals(what, 2, r.exit());
            List<String> severe = r.output().lines().filter(l -> l.contains(" SEVERE ")).toList();
            assertEquals(what, 2, severe.size());
            assertTrue(what, severe.get(0).contains(c[2]));
            assertFalse("the lifecycle went on: " + what, r.output().contains("[ContainerLifecycleImpl]"));
            assertFalse("a container directory was made: " + what, Files.exists(work.resolve("containers/bad")));
        }
    }

    @Test
    public void aCoreBundleThatCannotStartEndsTheRuntimeWithOneLine() throws Exception {
        // a bundle in bundle/ whose activator class is missing: the runtime must not go on without it
        Path jar = dist.resolve("bundle/zz-broken-0.0.1.jar");
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().putValue("Manifest-Version", "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", "org.lxcatastrophe.itests.broken");
        mf.getMainAttributes().putValue("Bundle-Version", "0.0.1");
        mf.getMainAttributes().putValue("Bundle-Activator", "org.lxcatastrophe.itests.broken.Missing");
        try (OutputStream out = Files.newOutputStream(jar); java.util.jar.JarOutputStream j = new java.util.jar.JarOutputStream(out, mf)) {
            j.flush();
        }
        try {
            Result r = run(Duration.ofSeconds(90), env("broken"), dist.resolve("bin/lxcatastrophe").toString());
            assertEquals(r.output(), 3, r.exit());
            List<String> severe = r.output().lines().filter(l -> l.contains(" SEVERE ")).toList();
            assertTrue(r.output(), severe.stream().anyMatch(l -> l.contains("core bundle org.lxcatastrophe.itests.broken failed to start")
                    && l.contains("ClassNotFoundException") && l.contains("org.lxcatastrophe.itests.broken.Missing")
                    && l.contains("exit status 3")));
            assertFalse(r.output(), r.output().contains("\tat "));
            assertFalse("a container directory was made", Files.exists(work.resolve("containers/broken")));
        } finally {
            Files.delete(jar);
        }
    }

    @Test
    public void anInvalidEtcFileValueNamesTheFile() throws Exception {
        Path cfg = dist.resolve("etc/org.lxcatastrophe.idmap.cfg");
        String before = Files.readString(cfg);
        try {
            Files.writeString(cfg, before + "\nidmap.size = lots\n");
            Result r = run(Duration.ofSeconds(90), env("bad"), dist.resolve("bin/lxcatastrophe").toString());
            assertEquals(r.output(), 2, r.exit());
            assertTrue(r.output(), r.output().contains("idmap.size=lots (from etc/org.lxcatastrophe.idmap.cfg)"));
        } finally {
            Files.writeString(cfg, before);
        }
    }

    @Test
    public void theShellRefusesBadCommandsAndAPrivateKeyIsNeverShown() throws Exception {
        Path key = work.resolve("id_test");
        assertEquals(0, run(Duration.ofSeconds(30), null, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "t@x",
                "-f", key.toString()).exit());
        String secret = Files.readString(key);
        List<String> fragments = secret.lines().filter(l -> !l.startsWith("-----")).map(l -> l.substring(4, 24)).toList();
        Map<String, String> env = env("shell");
        env.put("SSH_AUTHORIZED_KEYS", secret);
        Path log = work.resolve("runtime.log");
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/lxcatastrophe").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process runtime = pb.start();
        try {
            Path portFile = dist.resolve("data/shell.port");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!(Files.exists(portFile) && Files.readString(portFile).strip().matches("\\d+"))
                    && System.nanoTime() < deadline && runtime.isAlive()) {
                Thread.sleep(200);
            }
            assertTrue("the shell did not start:\n" + Files.readString(log), runtime.isAlive() && Files.exists(portFile));
            int port = Integer.parseInt(Files.readString(portFile).strip());

            Result config = shell("lxcat:config");
            assertEquals(config.output(), 0, config.exit());
            assertTrue(config.output(), config.output().contains("ssh.authorized.keys       (not shown: this value holds a PRIVATE key"));

            assertEquals(1, shell("lxcat:nosuch").exit());
            Result usage = shell("lxcat:console-log", "abc");
            assertEquals(usage.output(), 1, usage.exit());
            assertTrue(usage.output(), usage.output().contains("usage: lxcat:console-log"));
            Result line = shell("lxcat:console-log 5");   // a whole command line as one argument runs as one
            assertEquals(line.output(), 0, line.exit());
            assertTrue(line.output(), line.output().contains("(no console output yet)"));
            Result split = shell("lxcat:exec", "echo a\nlxcat:stop");
            assertEquals(split.output(), 2, split.exit());
            assertTrue(split.output(), split.output().contains("an argument contains a line break"));

            // a line of 4 MiB: refused with status 1, the runtime keeps serving
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                OutputStream o = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                byte[] chunk = "a".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
                List<String> answer = new ArrayList<>();
                try {
                    for (int i = 0; i < 64; i++) {
                        o.write(chunk);
                    }
                    o.write('\n');
                    o.flush();
                } catch (IOException closedByTheRuntime) {
                    // the runtime answered and closed after 64 KiB; read what it said
                }
                for (String l; (l = in.readLine()) != null;) {
                    answer.add(l);
                }
                assertEquals(List.of("!the command line is longer than 65536 characters; nothing was run", "=1"), answer);
            }
            Result status = shell("lxcat:status");
            assertEquals(status.output(), 0, status.exit());
            assertTrue(status.output(), status.output().contains("state     NEW"));

            Map<String, String> elsewhere = Map.of("SHELL_PORT", "1");
            Result closed = run(Duration.ofSeconds(30), elsewhere, dist.resolve("bin/lxcat-shell").toString(), "lxcat:status");
            assertEquals(closed.output(), 3, closed.exit());

            runtime.destroy();
            assertTrue(runtime.waitFor(60, TimeUnit.SECONDS));
            assertEquals(Files.readString(log), 0, runtime.exitValue());
            String all = Files.readString(log) + config.output();
            for (String f : fragments) {
                assertFalse("a piece of the private key was printed: " + f, all.contains(f));
            }
        } finally {
            runtime.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Result shell(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/lxcat-shell").toString()));
        cmd.addAll(List.of(args));
        return run(Duration.ofSeconds(60), null, cmd.toArray(String[]::new));
    }
}
