package org.lxcatastrophe.network.render;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.lxcatastrophe.api.distro.NetworkFormat;
import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.NetworkPlan;

/**
 * The rendered files read by the distributions' own tools:
 * <ul>
 * <li>netplan: {@code netplan generate --root-dir} (netplan.io) must accept the YAML and produce the networkd
 * files with the plan's addresses, gateways and MTU;</li>
 * <li>ifupdown: {@code ifup --no-act -i} (ifupdown) must accept the interfaces file and plan exactly the plan's
 * {@code ip addr add}/{@code ip route add} commands; {@code ifquery -i} must list every interface.</li>
 * </ul>
 * Skipped (with the reason) only when the tool is not installed.
 */
public class RealToolValidationTest {
    private Path dir;

    @Before
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("network-render-");
    }

    @After
    public void tearDown() throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static boolean installed(String tool) {
        for (String d : List.of("/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/")) {
            if (Files.isExecutable(Path.of(d + tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(command + " timed out", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(command + " failed:\n" + out, 0, p.exitValue());
        return out;
    }

    private Path write(Path root, RenderedFile f) throws IOException {
        Path target = root.resolve(f.path().substring(1));
        Files.createDirectories(target.getParent());
        Files.writeString(target, f.content(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(f.mode() == 0600 ? "rw-------" : "rw-r--r--"));
        return target;
    }

    @Test
    public void netplanGenerateAcceptsEveryPlan() throws Exception {
        assumeTrue("netplan (Debian package netplan.io) is not installed", installed("netplan"));
        for (Object[] c : Plans.ALL) {
            NetworkPlan plan = (NetworkPlan) c[1];
            Path root = Files.createDirectories(dir.resolve("netplan-" + c[0]));
            for (RenderedFile f : new SharedNetworkRenderer().render(NetworkFormat.NETPLAN, plan)) {
                write(root, f);
            }
            String out = run(List.of("netplan", "generate", "--root-dir", root.toString()));
            assertTrue(c[0] + ": netplan complained: " + out, !out.contains("Permissions"));
            for (var itf : plan.interfaces()) {
                Path generated = root.resolve("run/systemd/network/10-netplan-" + itf.name() + ".network");
                assertTrue(c[0] + ": netplan did not generate " + generated, Files.exists(generated));
                String networkd = Files.readString(generated);
                for (var a : itf.addresses()) {
                    assertTrue(c[0] + ": " + a + " missing in\n" + networkd, networkd.contains("Address=" + a));
                }
                if (itf.gateway4() != null) {
                    assertTrue(networkd.contains("Destination=0.0.0.0/0\nGateway=" + itf.gateway4()));
                }
                if (itf.gateway6() != null) {
                    assertTrue(networkd.contains("Destination=::/0\nGateway=" + itf.gateway6()));
                }
                assertTrue(c[0] + ": DHCP must stay off", !networkd.contains("DHCP=ipv4") && !networkd.contains("DHCP=yes"));
                String link = Files.readString(root.resolve("run/systemd/network/10-netplan-" + itf.name() + ".link"));
                assertTrue(c[0] + ": MTU " + itf.mtu(), link.contains("MTUBytes=" + itf.mtu()));
            }
        }
    }

    @Test
    public void ifupNoActPlansTheAddressesAndRoutes() throws Exception {
        assumeTrue("ifup (Debian package ifupdown) is not installed", installed("ifup") && installed("ifquery"));
        for (Object[] c : Plans.ALL) {
            NetworkPlan plan = (NetworkPlan) c[1];
            Path root = Files.createDirectories(dir.resolve("ifupdown-" + c[0]));
            Path interfaces = write(root, new SharedNetworkRenderer().render(NetworkFormat.IFUPDOWN, plan).get(0));
            Path state = Files.createDirectories(root.resolve("state"));
            String out = run(List.of("ifup", "--no-act", "-v", "-i", interfaces.toString(), "--state-dir",
                    state.toString(), "-a"));
            List<String> names = new ArrayList<>();
            for (var itf : plan.interfaces()) {
                names.add(itf.name());
                for (var a : itf.ipv4()) {
                    assertTrue(c[0] + ": ifup would not add " + a + ":\n" + out,
                            out.contains("ip addr add " + a.address() + "/"));
                }
                for (var a : itf.ipv6()) {
                    assertTrue(c[0] + ": ifup would not add " + a + ":\n" + out,
                            out.contains(a.address() + "/" + a.prefix()));
                }
                if (itf.gateway4() != null) {
                    assertTrue(c[0] + ": no default route:\n" + out, out.contains("default via " + itf.gateway4()));
                }
                if (itf.mtu() > 0 && !itf.ipv4().isEmpty()) {
                    assertTrue(c[0] + ": no MTU:\n" + out, out.contains("mtu " + itf.mtu()));
                }
                for (var r : itf.routes()) {
                    assertTrue(c[0] + ": route " + r + " missing:\n" + out, out.contains("route add " + r.destination()));
                }
            }
            String list = run(List.of("ifquery", "-i", interfaces.toString(), "--list"));
            for (String name : names) {
                assertTrue(c[0] + ": ifquery does not list " + name + ": " + list, list.lines().anyMatch(name::equals));
            }
        }
    }
}
