package org.lxcatastrophe.sshkeys;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.ssh.AuthorizedKey;

import com.sun.net.httpserver.HttpServer;

public class SshKeyDeployerTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Path keysDir;
    private FakeRootfs rootfs;

    @Before
    public void setUp() throws Exception {
        keysDir = tmp.newFolder("keys").toPath();
        Path root = tmp.newFolder("rootfs").toPath();
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("usr/sbin"));
        Files.writeString(root.resolve("usr/sbin/sshd"), "");
        Files.writeString(root.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/bash\ndebian:x:1000:1001:Debian:/home/debian:/bin/bash\n");
        rootfs = new FakeRootfs(root);
    }

    static SshKeysConfig config(Map<String, Object> values) {
        return (SshKeysConfig) java.lang.reflect.Proxy.newProxyInstance(SshKeysConfig.class.getClassLoader(),
                new Class<?>[] { SshKeysConfig.class }, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return SshKeysConfig.class;
                    }
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    private SshKeyDeployer deployer(Map<String, Object> values) {
        SshKeyDeployer d = new SshKeyDeployer();
        d.configure(config(values));
        return d;
    }

    @Test
    public void sourcesCombineAndDuplicatesCollapse() throws Exception {
        String a = Keys.publicLine(Keys.generate(keysDir, "ed25519", "a"));
        String b = Keys.publicLine(Keys.generate(keysDir, "ed25519", "b"));
        String c = Keys.publicLine(Keys.generate(keysDir, "rsa", "c"));
        Path file = keysDir.resolve("secret");
        Files.writeString(file, b + "\n" + a + "\n");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/alice.keys", ex -> {
            byte[] body = (c + "\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            SshKeyDeployer d = deployer(Map.of("ssh_authorized_keys", a, "ssh_authorized_keys_file", file.toString(),
                    "ssh_authorized_keys_url", "http://127.0.0.1:" + server.getAddress().getPort() + "/alice.keys"));
            List<AuthorizedKey> keys = d.configuredKeys();
            assertEquals(List.of("a", "b", "c"), keys.stream().map(AuthorizedKey::comment).toList());
        } finally {
            server.stop(0);
        }
    }

    @Test
    public void urlErrorsAreClear() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/big", ex -> {
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(new byte[200_000]);
            ex.close();
        });
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            assertFails(deployer(Map.of("ssh_authorized_keys_url", base + "/big")), "sent more than 65536 bytes");
            assertFails(deployer(Map.of("ssh_authorized_keys_url", base + "/missing")), "answered HTTP 404");
        } finally {
            server.stop(0);
        }
        assertFails(deployer(Map.of("ssh_authorized_keys_url", "http://example.org/u.keys")), "use https");
        assertFails(deployer(Map.of("ssh_authorized_keys_url", "ftp://example.org/u.keys")), "must be an https:// URL");
        assertFails(deployer(Map.of("ssh_authorized_keys_file", keysDir.resolve("nope").toString())), "does not exist");
    }

    @Test
    public void invalidSettingsNameTheKey() {
        try {
            deployer(Map.of("ssh_keys_policy", "append")).configuredKeys();
            fail();
        } catch (ConfigurationException e) {
            assertEquals("ssh.keys.policy", e.key());
            assertTrue(e.getMessage(), e.getMessage().contains("SSH_KEYS_POLICY"));
        } catch (LxcatException e) {
            fail(e.toString());
        }
        assertFails(deployer(Map.of("ssh_user", "Bad User")), "not a valid user name");
        assertFails(deployer(Map.of("ssh_keys_url_timeout", 0)), "ssh.keys.url.timeout");
    }

    @Test
    public void deployWritesOwnedFilesAndMergesWithoutDuplicates() throws Exception {
        String a = Keys.publicLine(Keys.generate(keysDir, "ed25519", "a"));
        String b = Keys.publicLine(Keys.generate(keysDir, "ed25519", "b"));
        Files.createDirectories(rootfs.root().resolve("home/debian/.ssh"));
        Files.writeString(rootfs.root().resolve("home/debian/.ssh/authorized_keys"), "# mine\n" + a + "\n");
        SshKeyDeployer d = deployer(Map.of("ssh_user", "debian", "ssh_authorized_keys", a + "\n" + b));
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(SshKeyDeployer.class.getName());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                log.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(h);
        try {
            assertEquals(2, d.deploy(d.configuredKeys(), rootfs));
            String written = Files.readString(rootfs.root().resolve("home/debian/.ssh/authorized_keys"));
            assertEquals("# mine\n" + a + "\n" + b + "\n", written);
            assertEquals(new FakeRootfs.Meta(0600, 1000, 1001), rootfs.meta.get("/home/debian/.ssh/authorized_keys"));
            assertEquals(new FakeRootfs.Meta(0700, 1000, 1001), rootfs.meta.get("/home/debian/.ssh"));
            // running again (a restart) changes nothing, and says so
            assertEquals(2, d.deploy(d.configuredKeys(), rootfs));
            assertEquals(written, Files.readString(rootfs.root().resolve("home/debian/.ssh/authorized_keys")));
        } finally {
            logger.removeHandler(h);
        }
        List<String> lines = log.stream().filter(m -> m.startsWith("ssh keys")).toList();
        assertEquals(List.of(
                "ssh keys for debian (merge): 2 configured, 1 added, /home/debian/.ssh/authorized_keys holds 2 keys",
                "ssh keys for debian (merge): 2 configured, 0 added, /home/debian/.ssh/authorized_keys holds 2 keys"), lines);
    }

    @Test
    public void replacePolicyKeepsOnlyConfiguredKeys() throws Exception {
        String a = Keys.publicLine(Keys.generate(keysDir, "ed25519", "a"));
        String old = Keys.publicLine(Keys.generate(keysDir, "ed25519", "old"));
        Files.createDirectories(rootfs.root().resolve("root/.ssh"));
        Files.writeString(rootfs.root().resolve("root/.ssh/authorized_keys"), old + "\n");
        SshKeyDeployer d = deployer(Map.of("ssh_keys_policy", "replace", "ssh_authorized_keys", a));
        assertEquals(1, d.deploy(d.configuredKeys(), rootfs));
        assertEquals(a + "\n", Files.readString(rootfs.root().resolve("root/.ssh/authorized_keys")));
        assertEquals(new FakeRootfs.Meta(0600, 0, 0), rootfs.meta.get("/root/.ssh/authorized_keys"));
    }

    @Test
    public void missingHomeIsCreatedAndUnknownUserIsAClearError() throws Exception {
        String a = Keys.publicLine(Keys.generate(keysDir, "ed25519", "a"));
        SshKeyDeployer d = deployer(Map.of("ssh_user", "debian", "ssh_authorized_keys", a));
        d.deploy(d.configuredKeys(), rootfs);
        assertEquals(new FakeRootfs.Meta(0700, 1000, 1001), rootfs.meta.get("/home/debian"));
        SshKeyDeployer nobody = deployer(Map.of("ssh_user", "zoe", "ssh_authorized_keys", a));
        try {
            nobody.deploy(nobody.configuredKeys(), rootfs);
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'zoe' does not exist in the container image"));
        }
    }

    private static void assertFails(SshKeyDeployer d, String reason) {
        try {
            d.configuredKeys();
            fail("expected failure: " + reason);
        } catch (LxcatException e) {
            assertTrue("expected '" + reason + "' in: " + e.getMessage(), e.getMessage().contains(reason));
            assertTrue("one line: " + e.getMessage(), !e.getMessage().contains("\n"));
        }
    }
}
