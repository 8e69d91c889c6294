package org.lxcatastrophe.lifecycle.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.ExtractedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;
import org.lxcatastrophe.api.image.ImageService;

/**
 * For the lifecycle's real-LXC tests: "fetches" the testbed image from its server directory and extracts it with the
 * real tools (xz, then tar inside the container's user namespace via lxc-usernsexec, so every owner is shifted), into
 * a temporary directory renamed into place. Counts fetches and extractions.
 */
final class TarImageService implements ImageService {

    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger extractions = new AtomicInteger();
    private final Path buildDir;
    private final ImageRef ref;
    /** Paths (relative to the rootfs) removed after extraction, to make broken images. */
    final List<String> removeAfterExtract = new ArrayList<>();
    /** The names in the container directory at the moment the rootfs is renamed into place. */
    final List<String> presentAtRename = new java.util.concurrent.CopyOnWriteArrayList<>();

    TarImageService(Path server, String arch) {
        this.ref = new ImageRef("debian", "bookworm", arch, "default");
        this.buildDir = server.resolve("images/debian/bookworm/" + arch + "/default/20261201_00:00");
    }

    @Override
    public ImageRef configuredImage() {
        return ref;
    }

    @Override
    public List<ImageBuild> list() {
        return List.of(new ImageBuild(ref, "20261201_00:00", "lxc", buildDir.toUri()));
    }

    @Override
    public CachedImage fetch(ImageRef r, FetchOptions options) {
        fetches.incrementAndGet();
        return new CachedImage(r, "20261201_00:00", buildDir, buildDir.resolve("rootfs.tar.xz"), null, false);
    }

    @Override
    public List<CachedImage> cached() {
        return List.of();
    }

    @Override
    public ExtractedImage extract(CachedImage image, Path containerDir, String containerName, IdRange ids,
            BeforeInstall beforeInstall) throws LxcatException {
        extractions.incrementAndGet();
        ProcessCommandRunner runner = new ProcessCommandRunner();
        try {
            Path meta = Files.createTempDirectory("lifecycle-meta");
            runner.check(List.of("tar", "-C", meta.toString(), "-xJf", image.directory().resolve("meta.tar.xz").toString()),
                    Duration.ofSeconds(30));
            Path tmp = Files.createTempDirectory(containerDir, ".rootfs-");
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            runner.check(List.of("chown", ids.base() + ":" + ids.base(), tmp.toString()), Duration.ofSeconds(10));
            String m = "b:0:" + ids.base() + ":" + ids.size();
            runner.check(List.of("sh", "-c", "xz -dc \"$1\" | lxc-usernsexec -m \"$2\" -- tar -C \"$3\" --numeric-owner "
                    + "--exclude-from=\"$4\" -xpf -", "extract", image.rootfs().toString(), m, tmp.toString(),
                    meta.resolve("excludes-user").toString()), Duration.ofSeconds(120));
            for (String rm : removeAfterExtract) {
                Files.deleteIfExists(tmp.resolve(rm));
            }
            List<String> config = new ArrayList<>();
            for (String l : Files.readAllLines(meta.resolve("config-user"))) {
                config.add(l.replace("LXC_TEMPLATE_CONFIG", "/usr/share/lxc/config"));
            }
            Files.writeString(tmp.resolve("etc/hostname"), containerName + "\n");
            Path rootfs = containerDir.resolve("rootfs");
            ExtractedImage extracted = new ExtractedImage(image, rootfs, config, 0);
            beforeInstall.record(extracted);
            try (var l = Files.list(containerDir)) {
                l.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".rootfs-")).forEach(presentAtRename::add);
            }
            Files.move(tmp, rootfs);
            runner.run(List.of("rm", "-rf", meta.toString()), Duration.ofSeconds(10));
            return extracted;
        } catch (IOException e) {
            throw new LxcatException("test extraction failed: " + e.getMessage(), e);
        }
    }
}
