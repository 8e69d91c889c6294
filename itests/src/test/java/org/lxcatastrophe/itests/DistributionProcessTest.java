package org.lxcatastrophe.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The assembled distribution as a user runs it: {@code bin/lxcatastrophe} in the foreground, {@code bin/lxcat-shell}
 * against it, a plugin dropped into {@code deploy/}, SIGTERM. Always with container autostart off and a network
 * interface that does not exist (in the environment and in the copy's etc/), so no container is started and no
 * interface of this machine is touched.
 */
public class DistributionProcessTest {

    static final long START_TIMEOUT_MS = 60_000;
    static final long STOP_TIMEOUT_S = 30;
    /** The issue asks for 1 s (FileInstall polls every 250 ms); the margin keeps a loaded machine from failing it. */
    static final long DEPLOY_LIMIT_MS = 2_500;
    static final Pattern STACK_TRACE = Pattern.compile("^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by: ",
            Pattern.MULTILINE);

    static Path home;

    @BeforeClass
    public static void copy() throws Exception {
        home = DistributionSupport.copyDistribution("lxcat-process", true);
    }

    @AfterClass
    public static void remove() throws IOException {
        if (home != null) {
            DistributionSupport.deleteTree(home.getParent());
        }
    }

    /** A running bin/lxcatastrophe and its log (stdout and stderr together). */
    static final class Runtime {
        final Process process;
        final Path log;

        Runtime(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }

    static Map<String, String> safeEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("CONTAINER_AUTOSTART", "false");
        env.put("NETWORK_INTERFACES", DistributionSupport.NO_INTERFACE);
        env.put("SHELL_PORT", "0");
        return env;
    }

    static Runtime launch(Map<String, String> extraEnv) throws IOException {
        Path log = Files.createTempFile(home.getParent(), "runtime", ".log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/lxcatastrophe").toString()).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(safeEnvironment());
        pb.environment().putAll(extraEnv);
        Files.deleteIfExists(home.resolve("data/shell.port"));
        return new Runtime(pb.start(), log);
    }

    /** Waits until {@code lxcat-shell lxcat:status} answers; returns the milliseconds that took. */
    static long awaitShell(Runtime r) throws Exception {
        long t0 = System.nanoTime();
        long end = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            if (!r.process.isAlive()) {
                fail("the runtime ended (exit " + r.process.exitValue() + ") before its shell answered:\n" + r.output());
            }
            if (Files.exists(home.resolve("data/shell.port")) && shell("lxcat:status").status == 0) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
            if (System.currentTimeMillis() > end) {
                fail("the shell did not answer within " + START_TIMEOUT_MS + " ms:\n" + r.output());
            }
            Thread.sleep(50);
        }
    }

    /** SIGTERM; the runtime must end with exit status 0 and no stack trace in its output. */
    static String stop(Runtime r) throws Exception {
        r.process.destroy(); // SIGTERM: bin/lxcatastrophe execs the JVM, so this is the JVM's pid
        if (!r.process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
            r.process.destroyForcibly();
            fail("the runtime did not stop within " + STOP_TIMEOUT_S + " s of SIGTERM:\n" + r.output());
        }
        String out = r.output();
        assertEquals("exit status after SIGTERM; output:\n" + out, 0, r.process.exitValue());
        assertFalse("a stack trace in the output:\n" + out, STACK_TRACE.matcher(out).find());
        assertTrue(out, out.contains("SIGTERM received, stopping"));
        return out;
    }

    record Answer(int status, String out, String err) {
    }

    static Answer shell(String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/lxcat-shell").toString());
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("SHELL_PORT"); // the port the runtime wrote to data/shell.port
        Path out = Files.createTempFile(home.getParent(), "shell", ".out");
        Path err = Files.createTempFile(home.getParent(), "shell", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("lxcat-shell " + String.join(" ", command) + " did not return within 60 s");
        }
        Answer a = new Answer(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return a;
    }

    @Test
    public void statusAnswersFailuresExitNonZeroAndSigtermStopsCleanly() throws Exception {
        withRuntime(r -> {
            long ready = awaitShell(r);
            Answer status = shell("lxcat:status");
            assertEquals(status.err, 0, status.status);
            assertTrue(status.out, status.out.contains("state     NEW"));
            assertTrue(status.out, status.out.contains("autostart") || status.out.contains("ImageService"));
            for (String service : List.of("ImageService", "IdmapService", "HostNetwork", "RootfsService", "SshKeyService")) {
                assertTrue(status.out, Pattern.compile("^  " + service + " +org\\.lxcatastrophe\\.", Pattern.MULTILINE)
                        .matcher(status.out).find());
            }

            // commands without options of their own answer --help with Gogo's help (not "Cannot coerce ...")
            // (those that take arguments print their own usage)
            for (String cmd : List.of("lxcat:status", "lxcat:distros", "lxcat:stop", "lxcat:console-log", "lxcat:exec",
                    "lxcat:images", "lxcat:fetch")) {
                Answer help = shell(cmd, "--help");
                assertEquals(cmd + " --help: " + help.err, 0, help.status);
                assertTrue(cmd + " --help: " + help.out, help.out.contains("scope: lxcat") || help.out.startsWith("usage: " + cmd));
            }
            assertTrue(shell("lxcat:status", "-h").out.contains("Shows the system container"));

            // the surefire guard names an interface that does not exist: the read-only capture says so, exit status 1
            Answer network = shell("lxcat:network");
            assertNotEquals(network.out, 0, network.status);
            assertTrue(network.err, network.err.contains("no such interface") && network.err.contains("NETWORK_INTERFACES"));

            Answer unknown = shell("lxcat:nosuch");
            assertNotEquals(0, unknown.status);
            assertTrue(unknown.err, unknown.err.contains("lxcat:nosuch"));
            Answer stop = shell("lxcat:stop");
            assertNotEquals("lxcat:stop without a running container must fail", 0, stop.status);
            assertTrue(stop.err, stop.err.contains("is not running"));
            Answer config = shell("lxcat:config", "--filter", "lifecycle");
            assertEquals(config.err, 0, config.status);
            assertTrue(config.out, config.out.contains("container.autostart") && config.out.contains("env CONTAINER_AUTOSTART"));
            System.out.println("process: shell answered " + ready + " ms after launch");
        });
    }

    @Test
    public void aPluginDroppedIntoDeployIsListedAndGoesAwayWhenDeleted() throws Exception {
        withRuntime(r -> {
            awaitShell(r);
            Path deploy = home.resolve("deploy");
            // the plugins the distribution ships come up through the same watcher
            int shipped = DistributionSupport.jars(DistributionSupport.distribution().resolve("deploy")).size();
            awaitDistros(r, out -> out.lines().filter(l -> l.contains("org.lxcatastrophe.distro.")).count() == shipped,
                    "the " + shipped + " shipped distro plugins");

            long t0 = System.nanoTime();
            DistributionSupport.drop(deploy, "sample-plugin.jar", DistributionSupport.read(DistributionSupport.samplePlugin()));
            awaitDistros(r, out -> out.contains(DistributionSupport.FIRST_DESCRIPTION), "the sample plugin listed");
            long added = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            t0 = System.nanoTime();
            Files.delete(deploy.resolve("sample-plugin.jar"));
            awaitDistros(r, out -> !out.contains("sample") && out.contains("debian"), "the sample plugin gone");
            long removed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("process: plugin listed by lxcat:distros " + added + " ms after the drop, gone " + removed
                    + " ms after the delete");
            assertTrue("plugin listed only after " + added + " ms", added <= DEPLOY_LIMIT_MS);
            assertTrue("plugin gone only after " + removed + " ms", removed <= DEPLOY_LIMIT_MS);
        });
    }

    interface OutputCheck {
        boolean ok(String out);
    }

    static void awaitDistros(Runtime r, OutputCheck check, String what) throws Exception {
        long end = System.currentTimeMillis() + START_TIMEOUT_MS;
        String last = "";
        while (System.currentTimeMillis() < end) {
            Answer a = shell("lxcat:distros");
            last = a.out + a.err;
            if (a.status == 0 && check.ok(a.out)) {
                return;
            }
            Thread.sleep(20);
        }
        fail("timed out waiting for " + what + "; lxcat:distros said:\n" + last + "\nruntime output:\n" + r.output());
    }

    @Test
    public void anInvalidValueStopsTheRuntimeWithOneLineNamingTheKey() throws Exception {
        Map<String, String> cases = Map.of(
                "IDMAP_SIZE", "abc",                 // refused by the metatype type (long)
                "CONTAINER_STOP_TIMEOUT", "0");      // refused by the lifecycle component itself
        Map<String, String> keys = Map.of("IDMAP_SIZE", "idmap.size", "CONTAINER_STOP_TIMEOUT", "container.stop.timeout");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Runtime r = launch(Map.of(c.getKey(), c.getValue()));
            if (!r.process.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                r.process.destroyForcibly();
                fail(c + ": the runtime kept running with an invalid value:\n" + r.output());
            }
            String out = r.output();
            assertEquals(c + ": exit status; output:\n" + out, 2, r.process.exitValue());
            List<String> naming = out.lines().filter(l -> l.contains(keys.get(c.getKey()))).toList();
            assertEquals(c + ": one line naming the key; output:\n" + out, 1, naming.size());
            assertTrue(naming.get(0), naming.get(0).contains("SEVERE") && naming.get(0).contains(c.getKey())
                    && naming.get(0).contains(c.getValue()));
            assertFalse("a stack trace:\n" + out, STACK_TRACE.matcher(out).find());
            assertFalse("nothing else may be reported as an error:\n" + out, out.lines()
                    .filter(l -> l.contains("SEVERE") || l.contains("WARNING"))
                    .anyMatch(l -> !l.contains(keys.get(c.getKey())) && !l.contains("Stopping: the configuration is invalid")));
        }
    }

    /** Bytes of a file name ca-certificates ships (UTF-8), written by bash so this JVM's own locale does not matter. */
    static final String NON_ASCII_NAME = "$(printf 'NetLock_Arany_=Class_Gold=_F\\305\\221tan\\303\\272s\\303\\255tv\\303\\241ny.crt')";

    static void bash(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-euc", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("bash did not end: " + script, p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(script + ": " + out, 0, p.exitValue());
    }

    /**
     * Under the POSIX locale (the Docker image sets none) Java cannot name a file that is not ASCII; bin/lxcatastrophe
     * switches to C.UTF-8, so an image holding such a file extracts, and a failed lxcat:fetch exits non-zero.
     */
    @Test
    public void aNonAsciiFileNameExtractsUnderThePosixLocaleAndAFailedFetchExitsNonZero() throws Exception {
        assumeTrue("the extraction chowns to shifted ids: root only", "root".equals(System.getProperty("user.name")));
        Path work = Files.createTempDirectory(home.getParent(), "mirror");
        bash(work, "mkdir -p root/usr/share/ca-certificates/mozilla\n"
                + "echo x > root/usr/share/ca-certificates/mozilla/" + NON_ASCII_NAME + "\n" + tinyImages("1"));
        Map<String, String> env = new HashMap<>(Map.of("IMAGE_SERVER", work.resolve("server").toUri().toString(),
                "IMAGE_CACHE", work.resolve("cache").toString(), "LC_ALL", "", "LC_CTYPE", "", "LANG", "C"));
        withRuntime(env, r -> {
            awaitShell(r);
            Path dir = work.resolve("box");
            Answer fetch = shell("lxcat:fetch", "--arch", "amd64", "--extract", dir.toString(), "tiny", "1");
            assertEquals(fetch.err + fetch.out + r.output(), 0, fetch.status);
            assertTrue(fetch.out, fetch.out.contains("extracted "));
            bash(dir, "test -f rootfs/usr/share/ca-certificates/mozilla/" + NON_ASCII_NAME);

            Answer missing = shell("lxcat:fetch", "--arch", "amd64", "tiny", "2");
            assertEquals(missing.out + missing.err, 1, missing.status);
            assertTrue(missing.err, missing.err.startsWith("no image tiny/2/amd64/default on "));
        });
    }

    /**
     * A bash fragment that makes an LXC images index in server/ with one build of "tiny" per release (from the files
     * under root/ and meta/, plus an os-release); echoes each build's folder under server/.
     */
    static String tinyImages(String... releases) {
        StringBuilder b = new StringBuilder("mkdir -p root/etc meta server/meta/1.0\n"
                + "echo ID=tiny > root/etc/os-release\n"
                + "echo /etc/hostname > meta/templates\n");
        for (String release : releases) {
            String build = "images/tiny/" + release + "/amd64/default/20240601_13:00";
            b.append("mkdir -p server/").append(build).append("\n")
                    .append("tar -C root --numeric-owner --owner=0 --group=0 -cJf server/").append(build).append("/rootfs.tar.xz .\n")
                    .append("tar -C meta --numeric-owner --owner=0 --group=0 -cJf server/").append(build).append("/meta.tar.xz .\n")
                    .append("echo 'tiny;").append(release).append(";amd64;default;20240601_13:00;/").append(build)
                    .append("/' >> server/meta/1.0/index-system\n");
        }
        return b.toString();
    }

    /**
     * GPG checking against a key and signatures made by the real GnuPG. BouncyCastle and the verifier are not in the
     * boot set: the first signed fetch installs the OpenPGP feature (features/openpgp/) and its signatures are good; a
     * signature of something else fails the next fetch with one line, and nothing of it is cached.
     */
    @Test
    public void theFirstSignedFetchInstallsTheOpenPgpFeatureAndABadSignatureFailsTheFetch() throws Exception {
        Path work = Files.createTempDirectory(home.getParent(), "signed");
        String good = "server/images/tiny/1/amd64/default/20240601_13:00/";
        String bad = "server/images/tiny/2/amd64/default/20240601_13:00/";
        bash(work, tinyImages("1", "2")
                // a short home: gpg-agent's socket path must fit in 108 bytes
                + "export GNUPGHOME=$(mktemp -d /tmp/lxcat-gpg.XXXXXX)\n"
                + "trap 'gpgconf --kill gpg-agent; rm -rf \"$GNUPGHOME\"' EXIT\n"
                + "g() { gpg --batch --yes --pinentry-mode loopback --passphrase '' \"$@\"; }\n"
                + "g --quick-gen-key 'images <images@example.org>' rsa2048 sign never\n"
                + "g --armor --export > ring.asc\n"
                + "for f in " + good + "rootfs.tar.xz " + good + "meta.tar.xz " + bad + "meta.tar.xz; do g --armor --detach-sign $f; done\n"
                + "echo something else > other; g --armor --output " + bad + "rootfs.tar.xz.asc --detach-sign other\n");
        withRuntime(Map.of("IMAGE_SERVER", work.resolve("server").toUri().toString(),
                "IMAGE_CACHE", work.resolve("cache").toString(), "IMAGE_GPG", "required",
                "IMAGE_GPG_KEYRING", work.resolve("ring.asc").toString()), r -> {
            awaitShell(r);
            Answer before = shell("lb", "-s");
            assertEquals(before.err, 0, before.status);
            assertFalse(before.out, before.out.contains("bcprov") || before.out.contains("org.lxcatastrophe.openpgp"));

            Answer fetch = shell("lxcat:fetch", "--arch", "amd64", "tiny", "1");
            assertEquals(fetch.err + fetch.out + r.output(), 0, fetch.status);
            assertTrue(r.output(), r.output().contains("OpenPGP feature installed from " + home.resolve("features/openpgp")));
            assertTrue(r.output(), r.output().contains("GPG: 2 signature(s) of tiny/1/amd64/default are good"));
            Answer after = shell("lb", "-s");
            for (String bsn : List.of("org.lxcatastrophe.openpgp", "bcprov", "bcpg", "bcutil")) {
                assertTrue(after.out, Pattern.compile("\\|Active\\s*\\|.*\\|" + Pattern.quote(bsn) + " \\(").matcher(after.out).find());
            }

            Answer refused = shell("lxcat:fetch", "--arch", "amd64", "tiny", "2");
            assertEquals(refused.out + refused.err, 1, refused.status);
            assertTrue(refused.err, refused.err.startsWith("BAD GPG signature on rootfs.tar.xz (key "));
            assertEquals(refused.err, 1, refused.err.strip().lines().count());
            assertFalse(Files.exists(work.resolve("cache/tiny/2/amd64/default/build_id")));
        });
    }

    /**
     * Without the OpenPGP feature's folder a fetch of a signed build fails with one line saying what to do, before
     * the download; the runtime stays up.
     */
    @Test
    public void aMissingOpenPgpFeatureFailsASignedFetchWithOneLine() throws Exception {
        Path work = Files.createTempDirectory(home.getParent(), "nofeature");
        // a signature to check (its content does not matter: the verifier is needed first, and missing)
        bash(work, tinyImages("1") + "echo not used > ring.asc\n"
                + "echo signature > server/images/tiny/1/amd64/default/20240601_13:00/rootfs.tar.xz.asc\n");
        Path missing = work.resolve("no-such-folder");
        withRuntime(Map.of("IMAGE_SERVER", work.resolve("server").toUri().toString(),
                "IMAGE_CACHE", work.resolve("cache").toString(), "IMAGE_GPG_KEYRING", work.resolve("ring.asc").toString(),
                "JAVA_OPTS", "-Dlxcatastrophe.features.openpgp=" + missing), r -> {
            awaitShell(r);
            Answer fetch = shell("lxcat:fetch", "--arch", "amd64", "tiny", "1");
            assertEquals(fetch.out + fetch.err, 1, fetch.status);
            assertEquals(fetch.err, 1, fetch.err.strip().lines().count());
            assertTrue(fetch.err, fetch.err.startsWith("GPG checking (image.gpg.keyring) needs the OpenPGP feature in " + missing
                    + "/, which cannot be read (NoSuchFileException") && fetch.err.contains("set IMAGE_GPG=off"));
            assertFalse(Files.exists(work.resolve("cache/tiny/1/amd64/default/build_id")));
            for (String f : List.of("rootfs.tar.xz", "rootfs.tar.xz.part")) {
                assertFalse("downloaded before the check: " + f, Files.exists(work.resolve("cache/tiny/1/amd64/.default.partial/" + f)));
            }
            assertEquals(0, shell("lxcat:status").status);
        });
    }

    /**
     * An invalid value written into an etc file while the runtime runs is logged in one line naming the key; the
     * component keeps its last good configuration and nothing is restarted (the lifecycle stays wired and active).
     */
    @Test
    public void anInvalidEtcValueAtRunTimeIsLoggedAndTheComponentsKeepRunning() throws Exception {
        Path cfg = home.resolve("etc/org.lxcatastrophe.idmap.cfg");
        String before = Files.readString(cfg);
        try {
            withRuntime(r -> {
                awaitShell(r);
                String components = idmapAndLifecycle(shell("scr:list").out);
                assertTrue(components, components.contains("IdmapServiceImpl") && components.contains("State:ACTIVE"));
                Files.writeString(cfg, before + "\nidmap.size = 5\n");
                long deadline = System.currentTimeMillis() + 10_000;
                while (!r.output().contains("idmap.size (IDMAP_SIZE) = 5 is invalid") && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                List<String> lines = r.output().lines().filter(l -> l.contains("idmap.size (IDMAP_SIZE) = 5 is invalid")).toList();
                assertEquals(r.output(), 1, lines.size());
                assertTrue(lines.get(0), lines.get(0).contains("SEVERE"));
                Answer status = shell("lxcat:status");
                assertEquals(status.err, 0, status.status);
                assertTrue(status.out, status.out.contains("IdmapService"));
                assertEquals("the component was restarted", components, idmapAndLifecycle(shell("scr:list").out));
                assertEquals(r.output(), 1, r.output().lines().filter(l -> l.contains("[ContainerLifecycleImpl] container ")).count());
            });
        } finally {
            Files.writeString(cfg, before);
        }
    }

    /** The scr:list entries (name line and instance line with its id and state) of the idmap and lifecycle components. */
    static String idmapAndLifecycle(String scrList) {
        List<String> lines = scrList.lines().toList();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).contains("IdmapServiceImpl in bundle") || lines.get(i).contains("ContainerLifecycleImpl in bundle")) {
                b.append(lines.get(i)).append('\n').append(lines.get(i + 1)).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * bin/lxcat-cds makes the class data sharing archive and the runtime maps it where it was made; a copy of that
     * distribution in another folder starts without it and says so in one line, instead of the JVM's warnings.
     * (Both runs end at once on an invalid value, after the JVM has started.)
     */
    @Test
    public void theClassDataSharingArchiveIsUsedWhereItWasMadeAndAMovedOneIsExplainedInOneLine() throws Exception {
        Path made = DistributionSupport.copyDistribution("lxcat-cds", false);
        DistributionSupport.Result cds = DistributionSupport.run(Duration.ofSeconds(120), null, made.resolve("bin/lxcat-cds").toString());
        assertEquals(cds.output(), 0, cds.exit());
        assertTrue(cds.output(), cds.output().startsWith("lxcat-cds: wrote " + made.resolve("lib/lxcatastrophe.jsa")));

        String there = runUntilExit(made);
        assertTrue(there, there.contains("Mapped dynamic region"));
        assertFalse(there, there.contains("lxcatastrophe.jsa was made for another"));

        Path moved = Files.createTempDirectory(home.getParent(), "moved").resolve("lxcatastrophe");
        bash(made.getParent(), "cp -a " + made + " " + moved);
        String elsewhere = runUntilExit(moved);
        assertFalse(elsewhere, elsewhere.contains("Mapped dynamic region"));
        assertFalse(elsewhere, elsewhere.contains("Unable to use shared archive") || elsewhere.contains("[warning][cds"));
        assertEquals(elsewhere, 1, elsewhere.lines().filter(l -> l.equals("lxcatastrophe: lib/lxcatastrophe.jsa was made for "
                + "another folder, Java or lib/ jars; starting without it (bin/lxcat-cds makes a new one)")).count());
    }

    /** bin/lxcatastrophe of {@code dist} with CDS logging and an invalid value: its output once it has ended (status 2). */
    static String runUntilExit(Path dist) throws Exception {
        Map<String, String> env = safeEnvironment();
        env.put("IDMAP_SIZE", "abc");
        env.put("JAVA_OPTS", "-Xlog:cds=info");
        DistributionSupport.Result r = DistributionSupport.run(Duration.ofSeconds(60), env, dist.resolve("bin/lxcatastrophe").toString());
        assertEquals(r.output(), 2, r.exit());
        return r.output();
    }

    interface Body {
        void run(Runtime r) throws Exception;
    }

    /** Launches the runtime, runs {@code body}, then stops it with SIGTERM and checks that it ends cleanly. */
    static void withRuntime(Body body) throws Exception {
        withRuntime(Map.of(), body);
    }

    /** The same with {@code env} added to the runtime's (safe) environment. */
    static void withRuntime(Map<String, String> env, Body body) throws Exception {
        Runtime r = launch(env);
        try {
            body.run(r);
        } catch (Exception | AssertionError e) {
            r.process.destroyForcibly();
            r.process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS);
            throw e;
        }
        stop(r);
    }
}
