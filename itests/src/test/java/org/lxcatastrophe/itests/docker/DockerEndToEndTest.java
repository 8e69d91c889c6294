package org.lxcatastrophe.itests.docker;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.lxcatastrophe.itests.docker.Docker.assertExit;
import static org.lxcatastrophe.itests.docker.Docker.docker;
import static org.lxcatastrophe.itests.docker.Docker.inspect;
import static org.lxcatastrophe.itests.docker.Docker.logs;
import static org.lxcatastrophe.itests.docker.Docker.run;
import static org.lxcatastrophe.itests.docker.Docker.tail;
import static org.lxcatastrophe.itests.docker.Docker.tryDocker;
import static org.lxcatastrophe.itests.docker.Docker.waitUntil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * The main job against the real Docker engine: the image built from the Dockerfile boots the debootstrap test image
 * (a read-only file:// mirror volume) as an unprivileged system container that answers SSH at the Docker container's
 * address and through a published port, powers off on {@code docker stop}, reuses its rootfs on {@code docker start},
 * resolves names on a user-defined network, takes distro bundles from a bind-mounted deploy/, and refuses bad input
 * with one line. Runs as root with dockerd up ({@code testbed/prepare-host.sh}).
 */
public class DockerEndToEndTest {

    /** The smallest set that boots systemd here (docs/docker.md): two capabilities, no seccomp filter, real /proc paths. */
    static final List<String> LEAST_PRIVILEGE = List.of("--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN",
            "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
            "--security-opt", "systempaths=unconfined", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro");
    /** What TESTBED.md found equivalent to --privileged on hosts that refuse it. */
    static final List<String> BROAD = List.of("--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE",
            "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
            "--security-opt", "systempaths=unconfined", "--device-cgroup-rule", "a *:* rwm",
            "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro");

    static final Duration BOOT = Duration.ofMinutes(4);

    static Path repo;
    static Path distribution;
    static Path server;
    static Path work;
    static Path key;
    static String publicKey;
    static String runId;
    static String image;

    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();
    private boolean failed;

    @Rule
    public TestWatcher watcher = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description d) {
            failed = true;
        }
    };

    @BeforeClass
    public static void buildImage() throws Exception {
        assertEquals("the Docker suite runs as root (debootstrap, docker, /proc of other users)", "0",
                run(Duration.ofSeconds(10), "id", "-u").out().trim());
        Docker.Result info = run(Duration.ofSeconds(30), "docker", "info", "--format", "{{.ServerVersion}}");
        if (info.exit() != 0) {
            fail("no Docker engine answers (" + tail(info.all(), 2).trim() + "): run testbed/prepare-host.sh first");
        }
        repo = Path.of(System.getProperty("lxcat.testbed", "../testbed")).toAbsolutePath().normalize().getParent();
        distribution = Path.of(System.getProperty("lxcat.distribution", "../distribution/target/lxcatastrophe"))
                .toAbsolutePath().normalize();
        assertTrue("no assembled distribution at " + distribution + " (mvn -B package)",
                Files.isExecutable(distribution.resolve("bin/lxcatastrophe")));
        runId = "lxcit-" + HexFormat.of().formatHex(new byte[] { (byte) ThreadLocalRandom.current().nextInt(),
                (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt() });
        work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), runId + "-");

        long t0 = System.nanoTime();
        run(Duration.ofMinutes(10), "bash", repo.resolve("testbed/docker-base-image.sh").toString()).ok();
        run(Duration.ofMinutes(15), "bash", repo.resolve("testbed/build-test-image.sh").toString(), "default").ok();
        server = Path.of(System.getenv().getOrDefault("LXCAT_TESTBED_CACHE",
                System.getProperty("user.home") + "/.cache/lxcatastrophe-testbed"), "server");
        assertTrue("no test image server at " + server, Files.isDirectory(server.resolve("meta/1.0")));
        System.out.printf("base image and test image ready in %d s%n", (System.nanoTime() - t0) / 1_000_000_000);

        long b0 = System.nanoTime();
        image = "lxcatastrophe-itest:" + runId;
        docker(Duration.ofMinutes(20), "build", "-q", "-t", image, repo.toString());
        System.out.printf("docker build %s: %d s%n", image, (System.nanoTime() - b0) / 1_000_000_000);

        key = work.resolve("id_ed25519");
        run(Duration.ofSeconds(30), "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", runId, "-f", key.toString()).ok();
        publicKey = Files.readString(work.resolve("id_ed25519.pub")).trim();
    }

    @AfterClass
    public static void removeImage() throws IOException {
        if (image != null) {
            // --no-prune keeps the layers (the apt-get layer) as build cache for the next run
            tryDocker("rmi", "--no-prune", image);
        }
        if (work != null) {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @After
    public void removeDockerObjects() {
        for (String c : containers) {
            if (failed) {
                System.out.println("---- docker logs " + c + " (last 80 lines)\n" + tail(logs(c), 80));
            }
            tryDocker("rm", "-f", "-v", c);
        }
        for (String n : networks) {
            tryDocker("network", "rm", n);
        }
        for (String v : volumes) {
            tryDocker("volume", "rm", "-f", v);
        }
    }

    // ---- helpers

    private String volume(String suffix) {
        String v = runId + "-" + suffix;
        docker("volume", "create", v);
        volumes.add(v);
        return v;
    }

    private String network(String suffix) {
        String n = runId + "-" + suffix;
        docker("network", "create", n);
        networks.add(n);
        return n;
    }

    /** docker run -d with the flags, the mirror and the extra arguments; the container's name. */
    private String start(String suffix, List<String> flags, String... args) {
        String name = runId + "-" + suffix;
        containers.add(name);
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name));
        cmd.addAll(flags);
        cmd.addAll(List.of("-v", server + ":/mirror:ro", "-e", "IMAGE_SERVER=file:///mirror"));
        cmd.addAll(Arrays.asList(args));
        cmd.add(image);
        docker(cmd.toArray(String[]::new));
        return name;
    }

    private static Docker.Result ssh(String host, int port, String command) {
        return run(Duration.ofSeconds(40), "ssh", "-i", key.toString(), "-p", String.valueOf(port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "root@" + host, command);
    }

    private static void waitForSsh(String container, String host, int port) {
        waitUntil(BOOT, "ssh root@" + host + ":" + port, () -> {
            if (!inspect(container, "{{.State.Running}}").equals("true")) {
                fail(container + " exited (" + inspect(container, "{{.State.ExitCode}}") + ") before sshd answered: "
                        + tail(logs(container), 20));
            }
            return ssh(host, port, "true").exit() == 0;
        }, () -> "last log lines: " + tail(logs(container), 20));
    }

    private static void waitHealthy(String container) {
        waitUntil(Duration.ofMinutes(2), container + " healthy",
                () -> inspect(container, "{{.State.Health.Status}}").equals("healthy"),
                () -> "health: " + inspect(container, "{{json .State.Health}}"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** The status field of {@code lxcat:status} output. */
    private static String field(String status, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " +(.*)$").matcher(status);
        return m.find() ? m.group(1).trim() : "";
    }

    /**
     * The host uid of the process that is {@code pid} in the wrapper's pid namespace and descends from the wrapper's
     * PID 1 (host pid {@code wrapperPid}), read from the host's /proc.
     */
    private static long hostUid(long wrapperPid, long pid) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs.filter(x -> x.getFileName().toString().matches("\\d+"))::iterator) {
                List<String> status;
                try {
                    status = Files.readAllLines(p.resolve("status"));
                } catch (IOException gone) {
                    continue;
                }
                String[] ns = line(status, "NSpid:");
                if (ns.length >= 3 && ns[2].equals(String.valueOf(pid)) && descends(Long.parseLong(ns[1]), wrapperPid)) {
                    return Long.parseLong(line(status, "Uid:")[1]);
                }
            }
        }
        return -1;
    }

    private static String[] line(List<String> status, String key) {
        return status.stream().filter(l -> l.startsWith(key)).findFirst().orElse(key).trim().split("\\s+");
    }

    private static boolean descends(long pid, long ancestor) {
        for (int i = 0; i < 64 && pid > 1; i++) {
            if (pid == ancestor) {
                return true;
            }
            try {
                pid = Long.parseLong(line(Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")), "PPid:")[1]);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return pid == ancestor;
    }

    // ---- the tests

    @Test
    public void bootsAnswersSshPowersOffAndRestartsWithTheSameRootfs() throws Exception {
        int port = freePort();
        String ct = volume("containers");
        String cache = volume("cache");
        long t0 = System.nanoTime();
        String c = start("main", LEAST_PRIVILEGE, "-e", "DIST_NAME=debian", "-e", "DIST_FLAVOUR=bookworm",
                "-e", "SSH_AUTHORIZED_KEYS=" + publicKey, "-p", "127.0.0.1:" + port + ":22",
                "-v", ct + ":/var/lib/lxcatastrophe", "-v", cache + ":/var/cache/lxcatastrophe");
        String ip = inspect(c, "{{.NetworkSettings.IPAddress}}");
        String mac = inspect(c, "{{.NetworkSettings.MacAddress}}");
        assertFalse("the wrapper has an address on the default bridge", ip.isEmpty());

        // 1. SSH with the test key at the container's address and through the published port, as root (uid 0 inside)
        waitForSsh(c, ip, 22);
        System.out.printf("cold start (download from the mirror, extraction, boot) to SSH: %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertEquals("0", ssh(ip, 22, "id -u").ok().out().trim());
        assertEquals("0", ssh("127.0.0.1", port, "id -u").ok().out().trim());
        // the system container holds the Docker container's address and MAC
        String link = ssh(ip, 22, "ip -o link show eth0; ip -o -4 addr show eth0").ok().out();
        assertTrue(link, link.toLowerCase(Locale.ROOT).contains("link/ether " + mac.toLowerCase(Locale.ROOT)));
        assertTrue(link, link.contains("inet " + ip + "/"));
        assertEquals("0", ssh(ip, 22, "echo " + runId + " > /root/marker; echo $?").ok().out().trim());

        // its init runs unprivileged on the host: uid >= the base of the range granted in the wrapper's /etc/subuid
        String status = docker("exec", c, "lxcat-shell", "lxcat:status");
        assertEquals(status, "RUNNING", field(status, "state"));
        assertTrue(status, field(status, "addresses").contains(ip + "/"));
        long initPid = Long.parseLong(field(status, "pid"));
        String subuid = docker("exec", c, "cat", "/etc/subuid");
        Matcher range = Pattern.compile("(?m)^root:(\\d+):(\\d+)$").matcher(subuid);
        assertTrue(subuid, range.find());
        long base = Long.parseLong(range.group(1));
        long uid = hostUid(Long.parseLong(inspect(c, "{{.State.Pid}}")), initPid);
        assertTrue("host uid of the container's init: " + uid + " (id base " + base + ")", uid >= base && base >= 65536);

        // 4. docker logs: fetch progress, then the container's boot; the HEALTHCHECK turns healthy
        waitHealthy(c);
        String log = logs(c);
        assertTrue(tail(log, 40), log.contains("downloaded debian/bookworm/amd64/default rootfs.tar.xz"));
        assertTrue(tail(log, 40), log.contains("extracting debian/bookworm/amd64/default"));
        assertTrue(tail(log, 40), log.contains("Welcome to Debian GNU/Linux 12"));
        assertTrue(tail(log, 40), log.indexOf("downloaded debian") < log.indexOf("Welcome to Debian"));
        // a shell inside the system container
        assertEquals(runId, docker("exec", c, "enter", "cat", "/root/marker"));

        // 2. docker stop: a clean poweroff inside the stop timeout, exit code 0
        long s0 = System.nanoTime();
        docker(Duration.ofSeconds(30), "stop", "-t", "10", c);
        long stopMs = (System.nanoTime() - s0) / 1_000_000;
        System.out.printf("docker stop: %d ms%n", stopMs);
        assertEquals("0", inspect(c, "{{.State.ExitCode}}"));
        assertTrue("docker stop took " + stopMs + " ms", stopMs < 10_000);
        String stopped = logs(c);
        assertTrue(tail(stopped, 10), stopped.contains("powered off cleanly"));

        // 3. docker start: the same rootfs (the marker is there), no second download, SSH again
        long w0 = System.nanoTime();
        docker("start", c);
        waitForSsh(c, ip, 22);
        System.out.printf("warm restart (docker start) to SSH: %d ms%n", (System.nanoTime() - w0) / 1_000_000);
        assertEquals(runId, ssh(ip, 22, "cat /root/marker").ok().out().trim());
        assertEquals(runId, ssh("127.0.0.1", port, "cat /root/marker").ok().out().trim());
        String again = logs(c);
        assertEquals("one download only", 1, count(again, "downloaded debian/bookworm/amd64/default rootfs.tar.xz"));
        assertEquals("one extraction only", 1, count(again, "extracting debian/bookworm/amd64/default"));
        assertTrue(tail(again, 30), again.contains("reusing container"));
        waitHealthy(c);
    }

    @Test
    public void userDefinedNetworkResolvesNamesAndDeployFolderTakesBundles() throws Exception {
        String net = network("net");
        String peer = runId + "-peer";
        containers.add(peer);
        docker("run", "-d", "--name", peer, "--network", net, "debian:bookworm-slim", "sleep", "infinity");
        String peerIp = inspect(peer, "{{(index .NetworkSettings.Networks \"" + net + "\").IPAddress}}");

        Path deploy = Files.createDirectories(work.resolve("deploy"));
        // the container's name and folder from an etc/ file instead of the environment: enter and the HEALTHCHECK
        // must find the container the runtime runs
        Path lifecycleCfg = work.resolve("org.lxcatastrophe.lifecycle.cfg");
        Files.writeString(lifecycleCfg, "container.name = sysnet\ncontainer.path = /var/lib/lxcatastrophe/etc-named\n");
        String c = start("net", BROAD, "--network", net, "-v", deploy + ":/opt/lxcatastrophe/deploy",
                "-v", lifecycleCfg + ":/opt/lxcatastrophe/etc/org.lxcatastrophe.lifecycle.cfg:ro");
        waitHealthy(c);
        assertEquals("sysnet", docker("exec", c, "enter", "hostname"));

        // 5. Docker's embedded DNS (127.0.0.11 in the wrapper) answers inside the system container
        String resolv = docker("exec", c, "enter", "cat", "/etc/resolv.conf");
        Docker.Result hosts = tryDocker("exec", c, "enter", "getent", "hosts", peer);
        assertExit(0, hosts);
        assertTrue(hosts.out() + "\nresolv.conf:\n" + resolv, hosts.out().trim().startsWith(peerIp + " "));

        // 6. lxcat:status through docker exec; a bundle dropped into the bind-mounted deploy/ shows up in lxcat:distros
        String status = docker("exec", c, "lxcat-shell", "lxcat:status");
        assertEquals(status, "RUNNING", field(status, "state"));
        String ip = inspect(c, "{{(index .NetworkSettings.Networks \"" + net + "\").IPAddress}}");
        assertTrue(status, field(status, "addresses").contains(ip + "/"));
        String before = docker("exec", c, "lxcat-shell", "lxcat:distros");
        assertTrue(before, before.contains("org.lxcatastrophe.distro.debian"));
        String bsn = "org.lxcatastrophe.itest.hotdeploy." + runId.replace('-', '_');
        assertFalse(before, before.contains(bsn));

        Path jar = deploy.resolve("hotdeploy.jar");
        Path tmp = deploy.resolve("hotdeploy.jar.part");
        renamedPlugin(bsn, tmp);
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE);
        waitUntil(Duration.ofSeconds(60), bsn + " in lxcat:distros",
                () -> docker("exec", c, "lxcat-shell", "lxcat:distros").contains(bsn),
                () -> docker("exec", c, "lxcat-shell", "lxcat:distros"));
        Files.delete(jar);
        waitUntil(Duration.ofSeconds(60), bsn + " gone from lxcat:distros",
                () -> !docker("exec", c, "lxcat-shell", "lxcat:distros").contains(bsn),
                () -> docker("exec", c, "lxcat-shell", "lxcat:distros"));
    }

    /** A copy of a shipped distro plugin under another symbolic name: a bundle the runtime does not have yet. */
    private static void renamedPlugin(String bsn, Path target) throws IOException {
        Path source;
        try (Stream<Path> s = Files.list(distribution.resolve("deploy"))) {
            source = s.filter(p -> p.getFileName().toString().startsWith("org.lxcatastrophe.distro.alpine-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no alpine plugin in " + distribution.resolve("deploy")));
        }
        try (InputStream in = Files.newInputStream(source); JarInputStream jin = new JarInputStream(in)) {
            Manifest m = new Manifest(jin.getManifest());
            m.getMainAttributes().put(new Attributes.Name("Bundle-SymbolicName"), bsn);
            m.getMainAttributes().put(new Attributes.Name("Bundle-Name"), "hot deploy test " + runId);
            try (OutputStream out = Files.newOutputStream(target); JarOutputStream jout = new JarOutputStream(out, m)) {
                for (JarEntry e = jin.getNextJarEntry(); e != null; e = jin.getNextJarEntry()) {
                    jout.putNextEntry(new JarEntry(e.getName()));
                    jin.transferTo(jout);
                    jout.closeEntry();
                }
            }
        }
    }

    @Test
    public void badInputExitsNonZeroWithOneClearLineAndLeavesNothing() throws Exception {
        String ct = volume("bad");
        String[] cases = {
            "DIST_NAME=nosuchdistro", "no image nosuchdistro/bookworm",
            "SSH_AUTHORIZED_KEYS=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI!!broken!! me@example", "SSH_AUTHORIZED_KEYS line 1",
        };
        for (int i = 0; i < cases.length; i += 2) {
            String c = start("bad" + i, LEAST_PRIVILEGE, "-e", cases[i], "-v", ct + ":/var/lib/lxcatastrophe");
            assertNotEquals(cases[i], "0", docker(Duration.ofMinutes(3), "wait", c));
            String log = logs(c);
            List<String> severe = log.lines().filter(l -> l.contains(" SEVERE ")).toList();
            assertEquals(cases[i] + ": one error line\n" + tail(log, 15), 1, severe.size());
            assertTrue(severe.get(0), severe.get(0).contains(cases[i + 1]));
            assertFalse("no stack trace\n" + log, log.contains("\tat org."));
        }
        // a private key pasted by mistake: refused, and never printed
        Docker.Result gen = run(Duration.ofSeconds(30), "cat", key.toString()).ok();
        String privateBody = gen.out().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        String c = start("badpriv", LEAST_PRIVILEGE, "-e", "SSH_AUTHORIZED_KEYS=" + gen.out(), "-v", ct + ":/var/lib/lxcatastrophe");
        assertNotEquals("0", docker(Duration.ofMinutes(3), "wait", c));
        String log = logs(c);
        assertEquals(tail(log, 10), 1, log.lines().filter(l -> l.contains(" SEVERE ")).count());
        assertTrue(tail(log, 5), log.toLowerCase(Locale.ROOT).contains("private key"));
        assertFalse("the private key must never be printed", log.contains(privateBody.substring(0, 20)));

        // nothing half-made in the volume
        String left = docker("run", "--rm", "-v", ct + ":/v", "--entrypoint", "find", image, "/v", "-mindepth", "2",
                "-maxdepth", "2");
        assertEquals("the containers volume holds no container", "", left);
    }
}
