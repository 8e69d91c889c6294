package org.lxcatastrophe.itests.network;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Assume;

/**
 * Docker simulated by network namespaces: a "gateway" namespace (the Docker bridge side) and a "wrapper" namespace
 * (the Docker container) joined by a veth pair whose wrapper end is {@code eth0} with an address, a fixed MAC and a
 * default route via the gateway. The assembled distribution (a private copy) runs inside the wrapper namespace
 * with its own mount namespace and a sysfs of that network namespace, as in a container. Names, addresses and
 * directories are unique per instance; {@link #close()} removes everything, also after a failure.
 */
final class NetnsTestbed implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String id;
    final String wrapper;
    final String gateway;
    final String prefix;
    final String wrapperIp;
    final String gatewayIp;
    final String mac;
    final Path work;
    final Path dist;
    private final List<Process> processes = new ArrayList<>();
    private final List<RuntimeProcess> runtimes = new ArrayList<>();
    private boolean closed;

    /** Skips (with the reason) where the test bed cannot exist: not root, no ip/lxc, no assembled distribution. */
    static void assumeUsable() {
        Assume.assumeTrue("needs root (network namespaces, LXC)", "root".equals(System.getProperty("user.name")));
        Assume.assumeTrue("needs iproute2 and LXC", Files.isExecutable(Path.of("/usr/bin/lxc-start"))
                && (Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip")))
                && Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/nsenter")));
        assertTrue("the assembled distribution is missing at " + distribution() + ": run mvn -B verify from the root",
                Files.isExecutable(distribution().resolve("bin/lxcatastrophe")));
    }

    static Path distribution() {
        return Path.of(System.getProperty("lxcat.distribution", "../distribution/target/lxcatastrophe"));
    }

    /** The images server directory of the testbed image {@code variant}, built first if needed. */
    static Path imageServer(String variant) throws Exception {
        Path script = Path.of(System.getProperty("lxcat.testbed", "../testbed")).resolve("build-test-image.sh");
        Result r = run(Duration.ofMinutes(15), script.toString(), variant);
        assertEquals("testbed/build-test-image.sh " + variant + " failed: " + r.output, 0, r.exit);
        String cache = System.getenv("LXCAT_TESTBED_CACHE");
        Path base = cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache/lxcatastrophe-testbed");
        return base.resolve("server");
    }

    NetnsTestbed() throws Exception {
        assumeUsable();
        int r = RANDOM.nextInt(1 << 20);
        id = String.format("%05x", r);
        wrapper = "lxcat-w-" + id;
        gateway = "lxcat-g-" + id;
        int a = 200 + RANDOM.nextInt(50);
        int b = 1 + RANDOM.nextInt(250);
        prefix = "10." + a + "." + b;
        wrapperIp = prefix + ".2";
        gatewayIp = prefix + ".1";
        mac = String.format("02:42:0a:%02x:%02x:02", a, b);
        work = Files.createTempDirectory("lxcat-netns-" + id + "-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        try {
            sh("ip", "netns", "add", wrapper);
            sh("ip", "netns", "add", gateway);
            sh("ip", "-n", wrapper, "link", "set", "lo", "up");
            sh("ip", "-n", gateway, "link", "set", "lo", "up");
            String inner = "lxw" + id;
            String outer = "lxg" + id;
            sh("ip", "link", "add", inner, "netns", wrapper, "type", "veth", "peer", "name", outer, "netns", gateway);
            sh("ip", "-n", wrapper, "link", "set", inner, "name", "eth0");
            sh("ip", "-n", wrapper, "link", "set", "eth0", "address", mac);
            sh("ip", "-n", wrapper, "addr", "add", wrapperIp + "/24", "dev", "eth0");
            sh("ip", "-n", wrapper, "link", "set", "eth0", "up");
            sh("ip", "-n", wrapper, "route", "add", "default", "via", gatewayIp);
            sh("ip", "-n", gateway, "addr", "add", gatewayIp + "/24", "dev", outer);
            sh("ip", "-n", gateway, "link", "set", outer, "up");
            dist = work.resolve("dist");
            sh("cp", "-a", distribution().toString(), dist.toString());
            Files.writeString(work.resolve("innetns.sh"), INNETNS);
            Files.setPosixFilePermissions(work.resolve("innetns.sh"), PosixFilePermissions.fromString("rwx------"));
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /**
     * Runs in the runtime's private mount namespace, like Docker's setup of a container: a sysfs of the wrapper's
     * network namespace with the host's cgroup mounts kept, optionally a resolv.conf bind-mounted over
     * /etc/resolv.conf (Docker does that too) and a read-only directory.
     */
    private static final String INNETNS = """
            #!/bin/sh
            set -e
            cg=$(mktemp -d /tmp/lxcat-netns-cg.XXXXXX)
            mount --rbind /sys/fs/cgroup "$cg"
            mount -t sysfs sysfs /sys
            mount --move "$cg" /sys/fs/cgroup
            rmdir "$cg"
            if [ -n "${LXCAT_TEST_RESOLV:-}" ]; then mount --bind "$LXCAT_TEST_RESOLV" /etc/resolv.conf; fi
            if [ -n "${LXCAT_TEST_RO_DIR:-}" ]; then mount -t tmpfs -o ro,size=1m tmpfs "$LXCAT_TEST_RO_DIR"; fi
            unset LXCAT_TEST_RESOLV LXCAT_TEST_RO_DIR
            exec "$@"
            """;

    /** One more veth pair: {@code name} in the wrapper (optional address), its peer in the gateway (optional address). */
    void addLink(String name, String wrapperCidr, String gatewayCidr) throws Exception {
        String inner = "lxa" + id + name.charAt(name.length() - 1);
        String outer = "lxb" + id + name.charAt(name.length() - 1);
        sh("ip", "link", "add", inner, "netns", wrapper, "type", "veth", "peer", "name", outer, "netns", gateway);
        sh("ip", "-n", wrapper, "link", "set", inner, "name", name);
        if (wrapperCidr != null) {
            sh("ip", "-n", wrapper, "addr", "add", wrapperCidr, "dev", name);
        }
        sh("ip", "-n", wrapper, "link", "set", name, "up");
        if (gatewayCidr != null) {
            sh("ip", "-n", gateway, "addr", "add", gatewayCidr, "dev", outer);
        }
        sh("ip", "-n", gateway, "link", "set", outer, "up");
    }

    /** The wrapper's network as {@code ip -j} shows it, without the fields that change by themselves. */
    String wrapperNetwork() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (List<String> cmd : List.of(List.of("link"), List.of("addr"), List.of("-4", "route"), List.of("-6", "route"))) {
            List<String> full = new ArrayList<>(List.of("ip", "-n", wrapper, "-j"));
            full.addAll(cmd);
            String json = sh(full.toArray(String[]::new));
            json = json.replaceAll("\"(operstate|valid_life_time|preferred_life_time)\":(\"[^\"]*\"|\\d+),?", "")
                    .replaceAll("\"tentative\":true,?", "").replaceAll(",}", "}").strip();
            if (cmd.contains("route")) {
                // routes re-added by a rollback may be listed in another order: compare them as a set
                json = String.join("},{", new java.util.TreeSet<>(List.of(json.replaceAll("^\\[\\{|\\}\\]$", "")
                        .split("\\},\\{"))));
            }
            sb.append(String.join(" ", cmd)).append(": ").append(json.strip()).append('\n');
        }
        return sb.toString();
    }

    /** The wrapper's network once it stopped changing (a link just set up shows NO-CARRIER for a moment). */
    String settledWrapperNetwork() throws Exception {
        String last = wrapperNetwork();
        for (int i = 0; i < 40; i++) {
            Thread.sleep(250);
            String now = wrapperNetwork();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** Waits until the wrapper's network equals {@code expected} (addresses settle after an interface comes up). */
    void assertWrapperNetwork(String message, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        String now = wrapperNetwork();
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = wrapperNetwork();
        }
        assertEquals(message, expected, now);
    }

    /** A process in {@code namespace} whose output goes to {@code log}. */
    Process spawn(String namespace, Path log, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    /** Starts {@link DnsStub} (this test's classpath) in {@code namespace}; waits until it listens. */
    Process dnsStub(String namespace, Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-cp", System.getProperty("java.class.path"), DnsStub.class.getName()));
        cmd.addAll(List.of(args));
        Process p = spawn(namespace, log, cmd.toArray(String[]::new));
        waitFor(() -> Files.exists(log) && Files.readString(log).contains("ready"), Duration.ofSeconds(30),
                () -> "the DNS stub did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
        return p;
    }

    /** The runtime environment every start gets: the test image, private directories, the shell on a free port. */
    Map<String, String> baseEnv(Path server, String name) {
        Map<String, String> env = new HashMap<>();
        env.put("IMAGE_SERVER", "file://" + server);
        env.put("DIST_NAME", "debian");
        env.put("DIST_FLAVOUR", "bookworm");
        env.put("IMAGE_CACHE", work.resolve("cache").toString());
        env.put("CONTAINER_PATH", work.resolve("containers").toString());
        env.put("CONTAINER_NAME", name);
        env.put("NETWORK_STATE_FILE", work.resolve("network-plan-" + name + ".json").toString());
        env.put("SHELL_PORT", "0");
        env.put("CONTAINER_STOP_TIMEOUT", "15");
        // the surefire environment turns autostart off as a guard for runtimes outside a namespace; here it is wanted
        env.put("CONTAINER_AUTOSTART", "true");
        return env;
    }

    /**
     * Starts bin/lxcatastrophe inside the wrapper namespace. {@code resolvConf} (or null) is mounted over the
     * wrapper's /etc/resolv.conf; {@code readOnlyDir} (or null) becomes a read-only mount.
     */
    RuntimeProcess startRuntime(Map<String, String> env, Path resolvConf, Path readOnlyDir) throws IOException {
        Path log = work.resolve("runtime-" + runtimes.size() + ".log");
        ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "--propagation", "private", "--", "nsenter",
                "--net=/run/netns/" + wrapper, "--", work.resolve("innetns.sh").toString(),
                dist.resolve("bin/lxcatastrophe").toString());
        // the surefire guards (no autostart, a nonexistent interface) are for the root namespace; inside the wrapper
        // namespace only what the test asks for counts
        pb.environment().remove("CONTAINER_AUTOSTART");
        pb.environment().remove("NETWORK_INTERFACES");
        pb.environment().putAll(env);
        if (resolvConf != null) {
            pb.environment().put("LXCAT_TEST_RESOLV", resolvConf.toString());
        }
        if (readOnlyDir != null) {
            pb.environment().put("LXCAT_TEST_RO_DIR", readOnlyDir.toString());
        }
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        RuntimeProcess r = new RuntimeProcess(this, pb.start(), log, env.get("CONTAINER_PATH"), env.get("CONTAINER_NAME"));
        runtimes.add(r);
        return r;
    }

    /** {@code bin/lxcat-shell ARGS} of the copy, inside the wrapper (the shell listens on its loopback). */
    Result shell(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", wrapper, dist.resolve("bin/lxcat-shell").toString()));
        cmd.addAll(List.of(args));
        return run(Duration.ofSeconds(120), cmd.toArray(String[]::new));
    }

    /** Whether TCP port 22 of {@code ip} answers with an SSH banner, from the gateway; the banner or null. */
    String sshBanner(String ip) throws Exception {
        Result r = run(Duration.ofSeconds(15), "ip", "netns", "exec", gateway, "timeout", "5", "bash", "-c",
                "exec 3<>/dev/tcp/" + ip + "/22 && head -1 <&3");
        return r.exit == 0 && r.output.startsWith("SSH-") ? r.output.strip() : null;
    }

    String waitForSshBanner(String ip, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String banner = sshBanner(ip);
            if (banner != null) {
                return banner;
            }
            Thread.sleep(300);
        }
        return null;
    }

    String inGateway(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", gateway));
        cmd.addAll(List.of(command));
        return sh(cmd.toArray(String[]::new));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RuntimeProcess r : runtimes) {
            r.kill();
        }
        synchronized (processes) {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        for (String ns : List.of(wrapper, gateway)) {
            // whatever still runs in the namespaces is ours (the container's processes after a failed test)
            Result pids = quiet("ip", "netns", "pids", ns);
            for (String pid : pids.output.split("\\s+")) {
                if (pid.matches("\\d+")) {
                    quiet("kill", "-KILL", pid);
                }
            }
            quiet("ip", "netns", "del", ns);
        }
        quiet("rm", "-rf", "--one-file-system", work.toString());
    }

    // ---- processes

    record Result(int exit, String output) {
    }

    interface Check {
        boolean ok() throws Exception;
    }

    interface Message {
        String get() throws Exception;
    }

    static void waitFor(Check check, Duration timeout, Message message) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                fail(message.get());
            }
            Thread.sleep(200);
        }
    }

    static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            reader.join(2000);
            return new Result(-1, "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command));
        }
        reader.join(5000);
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }

    /** Runs {@code command}; fails the test with its output unless it exits 0. Returns stdout+stderr. */
    static String sh(String... command) throws IOException, InterruptedException {
        Result r = run(Duration.ofSeconds(60), command);
        if (r.exit != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exit + ": " + r.output.strip());
        }
        return r.output;
    }

    static Result quiet(String... command) {
        try {
            return run(Duration.ofSeconds(30), command);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** The first group of {@code regex} in {@code text}, or null. */
    static String find(String regex, String text) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** A running bin/lxcatastrophe. */
    static final class RuntimeProcess {
        final NetnsTestbed bed;
        final Process process;
        final Path log;
        final String containerPath;
        final String name;

        RuntimeProcess(NetnsTestbed bed, Process process, Path log, String containerPath, String name) {
            this.bed = bed;
            this.process = process;
            this.log = log;
            this.containerPath = containerPath;
            this.name = name;
        }

        String log() {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The runtime's own log lines (no console output of the container). */
        List<String> logLines() {
            return log().lines().filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:.*")).toList();
        }

        String tail() {
            List<String> lines = log().lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        }

        /** Waits for a log line matching {@code regex}; fails early when the runtime exits. */
        void waitForLog(String regex, Duration timeout) throws Exception {
            Pattern p = Pattern.compile(regex);
            waitFor(() -> {
                if (log().lines().anyMatch(l -> p.matcher(l).find())) {
                    return true;
                }
                if (!process.isAlive()) {
                    fail("the runtime exited (" + process.exitValue() + ") before logging /" + regex + "/:\n" + tail());
                }
                return false;
            }, timeout, () -> "no log line /" + regex + "/ after " + timeout.toSeconds() + " s:\n" + tail());
        }

        /** Waits for the runtime to end by itself; its exit status. */
        int waitForExit(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("the runtime did not exit within " + timeout.toSeconds() + " s:\n" + tail());
            }
            return process.exitValue();
        }

        /** SIGTERM (what docker stop sends); the exit status. */
        int terminate(Duration timeout) throws Exception {
            process.destroy();
            return waitForExit(timeout);
        }

        /** {@code lxcat:exec COMMAND} through the shell: the output lines and the exit status. */
        Result exec(String... command) throws Exception {
            List<String> args = new ArrayList<>(List.of("lxcat:exec"));
            args.addAll(List.of(command));
            Result r = bed.shell(args.toArray(String[]::new));
            String status = find("^exit status (\\d+)\\s*$", r.output);
            String out = r.output.replaceAll("(?m)^exit status \\d+\\s*$\\n?", "");
            return new Result(status == null ? -1000 - r.exit : Integer.parseInt(status), out);
        }

        void kill() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // a container left behind by a runtime that was killed: stop it (LXC's command socket is per netns)
            quiet("nsenter", "--net=/run/netns/" + bed.wrapper, "lxc-stop", "-P", containerPath, "-n", name, "-k");
        }
    }
}
