package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.container.ContainerState;
import org.lxcatastrophe.api.container.ExecResult;
import org.lxcatastrophe.api.network.HostNetwork;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.ssh.AuthorizedKey;
import org.lxcatastrophe.api.ssh.SshKeyService;
import org.lxcatastrophe.idmap.internal.IdmapServiceImpl;
import org.lxcatastrophe.rootfs.internal.RootfsServiceImpl;

/**
 * The lifecycle against real LXC, as root: the testbed's debootstrap image (systemd, sshd) boots as an unprivileged
 * container on a host whose /etc/subuid and /etc/subgid start empty, under a 0700 parent directory; poweroff on
 * deactivate (what SIGTERM leads to); a second start reuses the rootfs; broken inputs fail with one clear line.
 */
public class LxcLifecycleRealTest {

    private static final Path SUBUID = Path.of("/etc/subuid");
    private static final Path SUBGID = Path.of("/etc/subgid");
    private static byte[] subuidBackup;
    private static byte[] subgidBackup;
    private static Path server;

    private Path parent;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @BeforeClass
    public static void realHost() throws Exception {
        assumeTrue("real LXC tests need root (skipped: not root)", "root".equals(System.getProperty("user.name")));
        assumeTrue("real LXC tests need lxc-start (apt-get install lxc uidmap)",
                Files.isExecutable(Path.of("/usr/bin/lxc-start")));
        Path script = Path.of("../../testbed/build-test-image.sh").toAbsolutePath().normalize();
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        System.out.print(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue("build-test-image.sh took too long", p.waitFor(15, TimeUnit.MINUTES));
        assertEquals("build-test-image.sh failed", 0, p.exitValue());
        String cache = System.getenv().getOrDefault("LXCAT_TESTBED_CACHE",
                System.getProperty("user.home") + "/.cache/lxcatastrophe-testbed");
        server = Path.of(cache, "server");
        subuidBackup = Files.exists(SUBUID) ? Files.readAllBytes(SUBUID) : null;
        subgidBackup = Files.exists(SUBGID) ? Files.readAllBytes(SUBGID) : null;
    }

    @AfterClass
    public static void restoreSubids() throws IOException {
        restore(SUBUID, subuidBackup);
        restore(SUBGID, subgidBackup);
    }

    private static void restore(Path f, byte[] content) throws IOException {
        if (content != null) {
            Files.write(f, content);
        }
    }

    @Before
    public void emptyHost() throws Exception {
        // a host without any subordinate ids for root
        Files.write(SUBUID, new byte[0]);
        Files.write(SUBGID, new byte[0]);
        System.clearProperty(ContainerLifecycleImpl.EXIT_PROPERTY);
        parent = Files.createTempDirectory("lifecycle-it-");
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
    }

    @After
    public void cleanUp() throws Exception {
        if (parent != null) {
            for (String name : List.of("lifecycle-it", "lifecycle-noinit", "lifecycle-fail")) {
                runner.run(List.of("lxc-stop", "-P", parent.resolve("containers").toString(), "-n", name, "-k"),
                        Duration.ofSeconds(10));
            }
            runner.run(List.of("rm", "-rf", "--one-file-system", parent.toString()), Duration.ofSeconds(60));
        }
        System.clearProperty(ContainerLifecycleImpl.EXIT_PROPERTY);
    }

    private ContainerLifecycleImpl lifecycle(TarImageService images, String name, List<String> extra) {
        ContainerLifecycleImpl l = new ContainerLifecycleImpl();
        l.images = images;
        l.idmap = new IdmapServiceImpl();
        l.rootfs = new RootfsServiceImpl();
        l.network = new HostNetwork() {
            @Override
            public NetworkPlan capture() {
                return NetworkPlan.EMPTY;
            }

            @Override
            public List<String> bridge(NetworkPlan plan) {
                return List.of();
            }
        };
        l.sshKeys = new SshKeyService() {
            @Override
            public List<AuthorizedKey> configuredKeys() {
                return List.of();
            }

            @Override
            public int deploy(List<AuthorizedKey> keys, org.lxcatastrophe.api.rootfs.RootfsWriter rootfs) {
                return 0;
            }
        };
        l.consoleOut = new PrintStream(console, true, StandardCharsets.UTF_8);
        l.exiter = exitCode::complete;
        l.begin(new ContainerLifecycleImpl.Settings(name, parent.resolve("containers"), false, Duration.ofSeconds(8),
                Duration.ofSeconds(60), extra));
        return l;
    }

    private static String arch() throws Exception {
        Process p = new ProcessBuilder("dpkg", "--print-architecture").start();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    public void bootsUnprivilegedPowersOffCleanlyAndReusesTheRootfs() throws Exception {
        TarImageService images = new TarImageService(server, arch());
        ContainerLifecycleImpl run1 = lifecycle(images, "lifecycle-it", List.of());
        long t0 = System.nanoTime();
        run1.start();
        System.out.printf("first start (extract + boot to RUNNING): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(ContainerState.RUNNING, run1.status().state());
        // no moment where a kill leaves a rootfs without its record (the next start would refuse it)
        assertTrue(images.presentAtRename.toString(), images.presentAtRename.containsAll(
                List.of(ContainerLifecycleImpl.STATE_FILE, ContainerLifecycleImpl.IMAGE_CONFIG_FILE)));
        assertEquals("root:100000:65536\n", Files.readString(SUBUID));
        assertEquals("root:100000:65536\n", Files.readString(SUBGID));
        assertEquals("rwx-----x", PosixFilePermissions.toString(Files.getPosixFilePermissions(parent)));

        ExecResult boot = waitForBoot(run1);
        String bootState = boot.stdout().trim();
        ExecResult failed = run1.exec(List.of("systemctl", "--failed", "--no-legend", "--plain"), Duration.ofSeconds(20));
        System.out.println("systemctl is-system-running: " + bootState + " (exit " + boot.exitCode() + ", stderr "
                + boot.stderr().trim() + "); failed units: "
                + (failed.stdout().isBlank() ? "none" : failed.stdout().trim().replace('\n', ';')));
        assertTrue("system state " + bootState, bootState.equals("running") || bootState.equals("degraded"));

        long pid = run1.status().pid();
        assertTrue(pid > 0);
        long hostUid = statusId(pid, "Uid:");
        assertTrue("container init runs as host uid " + hostUid, hostUid >= 100000);
        String uidMap = run1.exec(List.of("cat", "/proc/self/uid_map"), Duration.ofSeconds(10)).stdout().trim();
        assertTrue(uidMap, uidMap.matches("0\\s+100000\\s+65536"));
        assertEquals("lifecycle-it", run1.exec(List.of("hostname"), Duration.ofSeconds(10)).stdout().trim());
        assertEquals(0, run1.exec(List.of("sh", "-c", "echo from-run-1 > /root/marker"), Duration.ofSeconds(10)).exitCode());
        String consoleText = console.toString(StandardCharsets.UTF_8);
        assertTrue("console output reaches our stdout", consoleText.contains("Welcome to Debian"));
        assertTrue(run1.consoleLog(500).stream().anyMatch(l -> l.contains("Welcome to Debian")));

        // what SIGTERM leads to: the framework stops, the component is deactivated
        long s0 = System.nanoTime();
        run1.deactivate();
        long stopMs = (System.nanoTime() - s0) / 1_000_000;
        System.out.println("clean poweroff took " + stopMs + " ms");
        assertTrue("poweroff took " + stopMs + " ms", stopMs < 8000);
        assertEquals("0", System.getProperty(ContainerLifecycleImpl.EXIT_PROPERTY));
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("System Power Off")
                || console.toString(StandardCharsets.UTF_8).contains("Halting system")
                || console.toString(StandardCharsets.UTF_8).contains("Power-Off"));
        assertFalse("the runtime is not asked to exit by a requested stop", exitCode.isDone());

        // second start: the rootfs is reused, only the config is regenerated
        System.clearProperty(ContainerLifecycleImpl.EXIT_PROPERTY);
        Path config = parent.resolve("containers/lifecycle-it/config");
        Files.writeString(config, "# stale\n");
        ContainerLifecycleImpl run2 = lifecycle(images, "lifecycle-it", List.of("lxc.environment = LXCAT_RUN=2"));
        long w0 = System.nanoTime();
        run2.start();
        System.out.printf("warm start to RUNNING: %d ms%n", (System.nanoTime() - w0) / 1_000_000);
        assertEquals("one fetch for the first run only", 1, images.fetches.get());
        assertEquals("one extraction for the first run only", 1, images.extractions.get());
        assertTrue(Files.readString(config).contains("lxc.environment = LXCAT_RUN=2"));
        assertEquals("from-run-1", run2.exec(List.of("cat", "/root/marker"), Duration.ofSeconds(10)).stdout().trim());

        // the container powers itself off: the runtime exits too, with status 0
        waitForBoot(run2);
        run2.exec(List.of("systemctl", "poweroff"), Duration.ofSeconds(10));
        assertEquals(Integer.valueOf(0), exitCode.get(20, TimeUnit.SECONDS));
        String why = run2.status().message();
        System.out.println("self poweroff: " + why);
        assertTrue(why, why.startsWith("container stopped on its own (lxc-start exit status 0, last console line: "));
        run2.deactivate();
    }

    /** systemd's bus comes up a moment after LXC reports RUNNING: ask until systemd answers. */
    private static ExecResult waitForBoot(ContainerLifecycleImpl l) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            ExecResult r = l.exec(List.of("systemctl", "is-system-running", "--wait"), Duration.ofSeconds(90));
            if (!r.stdout().isBlank() || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    private static long statusId(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith(field)) {
                return Long.parseLong(l.split("\\s+")[1]);
            }
        }
        return -1;
    }

    @Test
    public void badSshKeysFailBeforeAnyDownloadOrExtraction() throws Exception {
        TarImageService images = new TarImageService(server, arch());
        ContainerLifecycleImpl l = lifecycle(images, "lifecycle-badkey", List.of());
        String reason = "SSH_AUTHORIZED_KEYS line 1: the ssh-ed25519 key data is not valid base64";
        l.sshKeys = new SshKeyService() {
            @Override
            public List<AuthorizedKey> configuredKeys() throws LxcatException {
                throw new LxcatException(reason);
            }

            @Override
            public int deploy(List<AuthorizedKey> keys, org.lxcatastrophe.api.rootfs.RootfsWriter rootfs) {
                throw new AssertionError("no deployment after a key error");
            }
        };
        try {
            l.start();
            fail();
        } catch (LxcatException e) {
            assertEquals(reason, e.getMessage());
        }
        assertEquals("no fetch", 0, images.fetches.get());
        assertEquals("no extraction", 0, images.extractions.get());
        assertFalse("no container directory", Files.exists(parent.resolve("containers/lifecycle-badkey")));
        assertEquals(ContainerState.FAILED, l.status().state());
        l.deactivate();
    }

    @Test
    public void rootfsWithoutInitIsRefusedAndRemoved() throws Exception {
        TarImageService images = new TarImageService(server, arch());
        images.removeAfterExtract.add("sbin/init");
        ContainerLifecycleImpl l = lifecycle(images, "lifecycle-noinit", List.of());
        try {
            l.start();
            fail();
        } catch (LxcatException e) {
            System.out.println("rootfs without init: " + e.getMessage());
            assertTrue(e.getMessage(), e.getMessage().contains("has no /sbin/init"));
        }
        assertFalse("the half-made container is removed", Files.exists(parent.resolve("containers/lifecycle-noinit")));
        assertEquals(ContainerState.FAILED, l.status().state());
        l.deactivate();
    }

    /** What a kill after the record but before the rename leaves: the next start extracts again. */
    @Test
    public void aRecordWithoutRootfsIsExtractedAgain() throws Exception {
        TarImageService images = new TarImageService(server, arch());
        images.removeAfterExtract.add("sbin/init");   // stops the start right after the extraction, without a boot
        Path dir = Files.createDirectories(parent.resolve("containers/lifecycle-noinit"));
        Files.writeString(dir.resolve(ContainerLifecycleImpl.IMAGE_CONFIG_FILE), "lxc.arch = x86_64\n");
        Files.writeString(dir.resolve(ContainerLifecycleImpl.STATE_FILE), "idmap.base=100000\nidmap.size=65536\n");
        ContainerLifecycleImpl l = lifecycle(images, "lifecycle-noinit", List.of());
        try {
            l.start();
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("has no /sbin/init"));
        }
        assertEquals(1, images.extractions.get());
        l.deactivate();
    }

    /** A rootfs this runtime did not make (no record next to it) is refused and left alone. */
    @Test
    public void aForeignRootfsIsRefusedAndKept() throws Exception {
        TarImageService images = new TarImageService(server, arch());
        Path foreign = Files.createDirectories(parent.resolve("containers/lifecycle-fail/rootfs/etc"));
        Files.writeString(foreign.resolve("hostname"), "someone-else\n");
        ContainerLifecycleImpl l = lifecycle(images, "lifecycle-fail", List.of());
        try {
            l.start();
            fail();
        } catch (LxcatException e) {
            assertEquals(parent.resolve("containers/lifecycle-fail/rootfs") + " exists but was not made by lxcatastrophe"
                    + " (no lxcatastrophe.properties): move it away or choose another CONTAINER_NAME", e.getMessage());
        }
        assertEquals("no fetch", 0, images.fetches.get());
        assertEquals("someone-else\n", Files.readString(foreign.resolve("hostname")));
        l.deactivate();
    }

    @Test
    public void failingStartShowsLxcErrorAndLeavesNothing() throws Exception {
        TarImageService images = new TarImageService(server, arch());
        ContainerLifecycleImpl l = lifecycle(images, "lifecycle-fail",
                List.of("lxc.mount.entry = /nonexistent-lifecycle-src mnt none bind 0 0"));
        try {
            l.start();
            fail();
        } catch (LxcatException e) {
            System.out.println("failing start: " + e.getMessage());
            assertTrue(e.getMessage(), e.getMessage().startsWith("container lifecycle-fail failed to start: "));
            assertFalse(e.getMessage().contains("\n"));
            assertTrue(e.getMessage(), e.getMessage().contains("nonexistent-lifecycle-src")
                    || e.getMessage().contains("No such file"));
        }
        assertFalse(Files.exists(parent.resolve("containers/lifecycle-fail")));
        l.deactivate();
    }

    @Test
    public void missingLxcToolsNameThePackage() throws Exception {
        ContainerLifecycleImpl l = new ContainerLifecycleImpl();
        l.runner = new CommandRunner() {
            @Override
            public Result run(List<String> command, Duration timeout) throws LxcatException {
                return runner.run(command, timeout);
            }

            @Override
            public Process start(List<String> command) throws LxcatException {
                return runner.start(command);
            }

            @Override
            public void requireTool(String tool) throws LxcatException {
                // as on a host without lxc: the real lookup, on a name no host has
                runner.requireTool(tool.startsWith("lxc-") ? tool + "-not-installed-here" : tool);
            }
        };
        l.exiter = exitCode::complete;
        l.begin(new ContainerLifecycleImpl.Settings("lifecycle-it", parent.resolve("containers"), true,
                Duration.ofSeconds(8), Duration.ofSeconds(60), List.of()));
        // autostart: the failure makes the runtime exit with a non-zero status
        assertEquals(Integer.valueOf(1), exitCode.get(20, TimeUnit.SECONDS));
        assertTrue(l.status().message(), l.status().message().contains("install the Debian package lxc"));
        l.deactivate();
    }
}
