package org.lxcatastrophe.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.attribute.FileTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * Paths of the assembled distribution and the sample plugin, and what the itests do to a copy of the distribution.
 * Nothing here keeps its own list of bundles: the sets come from the distribution's {@code bundle/} and {@code deploy/}.
 */
public final class DistributionSupport {

    /** System property (set by the build) naming the assembled distribution directory. */
    public static final String DISTRIBUTION_PROPERTY = "lxcat.distribution";
    /** System property (set by the build) naming the sample plugin jar. */
    public static final String SAMPLE_PLUGIN_PROPERTY = "lxcat.sample.plugin";
    /** System property (set by the build) naming where copies of the distribution go (under target/, so clean removes them). */
    public static final String WORK_PROPERTY = "lxcat.itest.work";
    /** The network interface name the runtime is told to take over in tests: it does not exist (second safety guard). */
    public static final String NO_INTERFACE = "lxcat-none0";
    public static final String SAMPLE_ADAPTER = "sample";
    public static final String FIRST_DESCRIPTION = "Sample distro plugin (itests), first build";

    private DistributionSupport() {
    }

    /** How a command ended: its exit status (-1: killed at the timeout) and its stdout and stderr together. */
    public record Result(int exit, String output) {
    }

    /** Runs {@code command} (with {@code env} added, when not null) until it ends or {@code timeout} passes. */
    public static Result run(Duration timeout, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Path out = Files.createTempFile("lxcat-run-out-", ".log");
        try {
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, "timed out: " + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    public static Path distribution() {
        String d = System.getProperty(DISTRIBUTION_PROPERTY);
        if (d == null) {
            throw new IllegalStateException("system property " + DISTRIBUTION_PROPERTY + " is not set: run the itests"
                    + " through Maven (mvn verify), which assembles the distribution first");
        }
        Path p = Paths.get(d).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("bundle"))) {
            throw new IllegalStateException(p + " has no bundle/: build the distribution module first");
        }
        return p;
    }

    public static Path samplePlugin() {
        String p = System.getProperty(SAMPLE_PLUGIN_PROPERTY);
        if (p == null || !Files.isRegularFile(Paths.get(p))) {
            throw new IllegalStateException("the sample plugin jar (" + SAMPLE_PLUGIN_PROPERTY + "=" + p
                    + ") is missing: build itests/sample-plugin first");
        }
        return Paths.get(p);
    }

    /** The jars of a distribution folder ({@code bundle} or {@code deploy}), sorted by name. */
    public static List<Path> jars(Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return jars;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
            s.forEach(jars::add);
        }
        jars.sort(null);
        return jars;
    }

    /** Bundle symbolic name (without directives) of a jar. */
    public static String symbolicName(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            String bsn = j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                throw new IllegalStateException(jar + " is not a bundle (no Bundle-SymbolicName)");
            }
            return bsn.split(";", 2)[0].strip();
        }
    }

    /** symbolic name -> jar for every jar of {@code dir}. */
    public static Map<String, Path> bundles(Path dir) throws IOException {
        Map<String, Path> m = new TreeMap<>();
        for (Path jar : jars(dir)) {
            m.put(symbolicName(jar), jar);
        }
        return m;
    }

    /** The distribution's conf/config.properties with {@code ${lxcatastrophe.home}} resolved to {@code home}. */
    public static Map<String, String> configProperties(Path home) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(distribution().resolve("conf/config.properties"))) {
            p.load(in);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : new TreeMap<>((Map<?, ?>) p).keySet().stream().map(String::valueOf).toList()) {
            m.put(k, p.getProperty(k).replace("${lxcatastrophe.home}", home.toString()));
        }
        return m;
    }

    /** A TCP port on 127.0.0.1 that nothing listens on (an images server that never answers). */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A copy of the distribution under a new temp dir: bin, lib, conf, etc, bundle; {@code deploy/} copied too when
     * {@code withDeploy}. Its etc files are set for tests: autostart off, no interface to take over, shell on a free
     * port, container and image cache folders inside the copy, an images server that refuses connections.
     */
    public static Path copyDistribution(String prefix, boolean withDeploy) throws IOException, InterruptedException {
        String work = System.getProperty(WORK_PROPERTY);
        Path parent;
        if (work == null) {
            parent = Files.createTempDirectory(prefix);
        } else {
            Files.createDirectories(Paths.get(work));
            parent = Files.createTempDirectory(Paths.get(work), prefix);
        }
        Path home = parent.resolve("lxcatastrophe");
        List<String> cmd = new ArrayList<>(List.of("cp", "-a", distribution().toString(), home.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("cp failed: " + out);
        }
        if (!withDeploy) {
            for (Path jar : jars(home.resolve("deploy"))) {
                Files.delete(jar);
            }
        }
        Path data = home.resolve("data");
        for (Path d : List.of(data, home.resolve("deploy"))) {
            Files.createDirectories(d);
        }
        // a copy made from a distribution somebody has run holds its cache; start clean
        deleteTree(data);
        Files.createDirectories(data);
        Path etc = home.resolve("etc");
        setCfg(etc.resolve("org.lxcatastrophe.lifecycle.cfg"), "container.autostart", "false");
        setCfg(etc.resolve("org.lxcatastrophe.lifecycle.cfg"), "container.path", parent.resolve("containers").toString());
        setCfg(etc.resolve("org.lxcatastrophe.network.cfg"), "network.interfaces", NO_INTERFACE);
        setCfg(etc.resolve("org.lxcatastrophe.network.cfg"), "network.state.file",
                parent.resolve("network-state").toString());
        setCfg(etc.resolve("org.lxcatastrophe.shell.cfg"), "shell.port", "0");
        setCfg(etc.resolve("org.lxcatastrophe.image.cfg"), "image.server", "http://127.0.0.1:" + closedPort());
        setCfg(etc.resolve("org.lxcatastrophe.image.cfg"), "image.cache", parent.resolve("image-cache").toString());
        setCfg(etc.resolve("org.lxcatastrophe.image.cfg"), "image.download.tries", "1");
        return home;
    }

    /** Sets {@code key = value} in a .cfg file (replacing the key's line, or appending one). */
    public static void setCfg(Path cfg, String key, String value) throws IOException {
        List<String> lines = Files.exists(cfg) ? new ArrayList<>(Files.readAllLines(cfg)) : new ArrayList<>();
        Pattern line = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*$");
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            if (line.matcher(lines.get(i)).matches()) {
                lines.set(i, key + " = " + value.replace("\\", "\\\\"));
                found = true;
            }
        }
        if (!found) {
            lines.add(key + " = " + value.replace("\\", "\\\\"));
        }
        Files.write(cfg, lines);
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            List<Path> all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * A changed build of the sample plugin: same symbolic name, a higher Bundle-Version and another description
     * (the entry {@code sample-adapter.properties} the adapter reads).
     */
    public static byte[] changedPlugin(String description) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarFile in = new JarFile(samplePlugin().toFile())) {
            Manifest mf = new Manifest(in.getManifest());
            Attributes main = mf.getMainAttributes();
            main.putValue("Bundle-Version", main.getValue("Bundle-Version") + "_changed");
            try (JarOutputStream out = new JarOutputStream(bytes, mf)) {
                Enumeration<JarEntry> entries = in.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (e.getName().equals("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(e.getName()));
                    if (e.getName().equals("sample-adapter.properties")) {
                        out.write(("description = " + description + "\n").getBytes(StandardCharsets.ISO_8859_1));
                    } else if (!e.isDirectory()) {
                        try (InputStream is = in.getInputStream(e)) {
                            is.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Puts {@code content} into {@code deploy/NAME} in one step (written beside, then renamed), so FileInstall never
     * sees half a jar; its modification time is moved on so a replacement is always seen as a change.
     */
    public static void drop(Path deploy, String name, byte[] content) throws IOException {
        Path target = deploy.resolve(name);
        Path staging = deploy.resolveSibling("." + name + ".staging");
        Files.write(staging, content);
        long previous = Files.exists(target) ? Files.getLastModifiedTime(target).toMillis() : 0;
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(staging, FileTime.fromMillis(Math.max(now, previous + 2000)));
        Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
