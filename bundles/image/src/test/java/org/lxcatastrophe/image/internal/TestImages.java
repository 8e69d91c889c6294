package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.openpgp.internal.OpenPgpVerifier;
import org.lxcatastrophe.rootfs.internal.RootfsServiceImpl;

/** A synthetic LXC images server in a directory (index, rootfs.tar.xz, meta.tar.xz, SHA256SUMS) and a service for it. */
final class TestImages {
    static final String BUILD = "20240102_05:24";

    private TestImages() {
    }

    static Tars rootfs() throws IOException {
        return new Tars().dir("./").dir("etc").file("etc/hostname", "LXC_NAME\n")
                .file("etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\tLXC_NAME\n", 0644, 0, 0)
                .file("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n").dir("dev").device("dev/null", (byte) '3', 1, 3)
                .file("dev/excluded-file", "skip me").file("usr/bin/passwd", "passwd", 04755, 0, 0);
    }

    static Map<String, String> meta() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("config", "lxc.include = LXC_TEMPLATE_CONFIG/debian.common.conf\nlxc.arch = amd64\n");
        m.put("config-user", "lxc.include = LXC_TEMPLATE_CONFIG/debian.common.conf\nlxc.include = LXC_TEMPLATE_CONFIG/debian.userns.conf\n"
                + "lxc.arch = amd64\nlxc.hook.start-host = LXC_HOOK_DIR/x LXC_ROOTFS LXC_PATH\n");
        m.put("templates", "/etc/hostname\n/etc/hosts\n/etc/missing-file\n");
        m.put("excludes-user", "./dev/null\n./dev/excluded-file\n");
        m.put("expiry", "4102444800\n");
        m.put("create-message", "You just created a synthetic container.\n");
        return m;
    }

    /** Writes one build of debian/bookworm/amd64/default (or the given variant) and the index listing every build written. */
    static Path build(Path server, String variant, String build, Tars rootfs, Map<String, String> meta) throws IOException {
        String rel = "images/debian/bookworm/amd64/" + variant + "/" + build + "/";
        Path dir = Files.createDirectories(server.resolve(rel));
        rootfs.xz(dir.resolve("rootfs.tar.xz"));
        Tars m = new Tars().dir("./");
        for (Map.Entry<String, String> e : meta.entrySet()) {
            m.file(e.getKey(), e.getValue());
        }
        m.xz(dir.resolve("meta.tar.xz"));
        Files.writeString(dir.resolve("SHA256SUMS"), Verifier.sha256(dir.resolve("rootfs.tar.xz")) + "  rootfs.tar.xz\n"
                + Verifier.sha256(dir.resolve("meta.tar.xz")) + "  meta.tar.xz\n");
        Path index = Files.createDirectories(server.resolve("meta/1.0")).resolve("index-system");
        String line = "debian;bookworm;amd64;" + variant + ";" + build + ";/" + rel + "\n";
        // the newest build first, as the images server lists them
        String old = Files.exists(index) ? Files.readString(index) : "";
        Files.writeString(index, line + old);
        return dir;
    }

    static Path build(Path server) throws IOException {
        return build(server, "default", BUILD, rootfs(), meta());
    }

    static ImageServiceImpl service(URI server, Path cache, Object... more) throws ConfigurationException {
        return service(OpenPgpVerifier::new, server, cache, more);
    }

    /** A service whose OpenPGP verifier comes from {@code verifiers} (in the runtime: installed on demand). */
    static ImageServiceImpl service(ImageServiceImpl.Verifiers verifiers, URI server, Path cache, Object... more) throws ConfigurationException {
        Object[] kv = new Object[6 + more.length];
        kv[0] = "image.server";
        kv[1] = server.toString();
        kv[2] = "image.cache";
        kv[3] = cache.toString();
        kv[4] = "dist.arch";
        kv[5] = "amd64";
        System.arraycopy(more, 0, kv, 6, more.length);
        return new ImageServiceImpl(ImageServiceImpl.settings(Conf.of(kv), Map.of()), new RootfsServiceImpl(), verifiers);
    }

    /** Collects the image bundle's log lines. */
    static final class Log extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("org.lxcatastrophe.image");
        final StringBuilder text = new StringBuilder();

        Log() {
            logger.addHandler(this);
            logger.setLevel(Level.INFO);
        }

        @Override
        public synchronized void publish(LogRecord r) {
            text.append(r.getLevel()).append(' ').append(r.getMessage()).append('\n');
        }

        synchronized String text() {
            return text.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}
