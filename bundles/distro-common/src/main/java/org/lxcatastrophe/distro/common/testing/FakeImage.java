package org.lxcatastrophe.distro.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.lxcatastrophe.api.distro.OsRelease;
import org.lxcatastrophe.api.network.DnsConfig;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.IpAddress;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;

/**
 * Test support for distro bundles (not embedded in them): a small rootfs laid out like an image's, and a
 * snapshot of its tree (type, mode, owner relative to the id base, link target, content) for golden files.
 */
public final class FakeImage implements AutoCloseable {
    /** A dual-stack plan with the DNS forwarder route, as the host network captures it on a user-defined network. */
    public static final NetworkPlan PLAN = new NetworkPlan(List.of(
            new InterfacePlan("eth0", "02:42:ac:12:00:05", 1450,
                    List.of(new IpAddress("172.18.0.5", 16), new IpAddress("fd00:dead:beef::5", 64)),
                    "172.18.0.1", "fd00:dead:beef::1", List.of(new Route("169.254.53.1/32", null, -1)))),
            new DnsConfig(List.of("169.254.53.1"), List.of("example.test"), List.of("ndots:0")));

    public final Path root;

    public FakeImage() throws IOException {
        root = Files.createTempDirectory("distro-image-");
        Files.setPosixFilePermissions(root, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
    }

    public FakeImage file(String path, String content) throws IOException {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return this;
    }

    public FakeImage dir(String path) throws IOException {
        Files.createDirectories(root.resolve(path.substring(1)));
        return this;
    }

    public FakeImage link(String path, String target) throws IOException {
        Path p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.deleteIfExists(p);
        Files.createSymbolicLink(p, Path.of(target));
        return this;
    }

    /** An OsRelease as the lifecycle parses it. */
    public static OsRelease os(String id, String idLike, String versionId) {
        return new OsRelease(id, idLike.isEmpty() ? List.of() : List.of(idLike.split(" ")), versionId,
                java.util.Map.of("ID", id));
    }

    /** Every entry below the root: type, mode, owner minus {@code idBase}, link target or content. */
    public String snapshot(long idBase) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.comparing(Path::toString)).toList()) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = "/" + root.relativize(p);
                if (Files.isSymbolicLink(p)) {
                    sb.append("l ").append(rel).append(" -> ").append(Files.readSymbolicLink(p)).append('\n');
                    continue;
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                long uid = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
                long gid = ((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
                String owner = (uid >= idBase ? "c" + (uid - idBase) : "h" + uid) + ":"
                        + (gid >= idBase ? "c" + (gid - idBase) : "h" + gid);
                if (Files.isDirectory(p)) {
                    sb.append("d ").append(rel).append('\n');
                } else {
                    sb.append("f ").append(rel).append(' ').append(String.format("%04o", mode)).append(' ')
                            .append(owner).append('\n');
                    for (String line : Files.readString(p, StandardCharsets.UTF_8).split("\n", -1)) {
                        sb.append("  | ").append(line).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Compares with (or, with -Dgolden.update=true, writes) {@code src/test/resources/golden/<name>.txt}. */
    public static String golden(String name, String actual) throws IOException {
        Path golden = Path.of("src/test/resources/golden", name + ".txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        if (!Files.exists(golden)) {
            throw new AssertionError("missing golden file " + golden + " (run with -Dgolden.update=true)");
        }
        return Files.readString(golden, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
