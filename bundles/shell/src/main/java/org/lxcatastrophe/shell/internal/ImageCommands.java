package org.lxcatastrophe.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.ExtractedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;
import org.lxcatastrophe.api.image.ImageService;
import org.lxcatastrophe.shell.ContainerCommands.CommandFailed;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code lxcat:images [DIST]} and {@code lxcat:fetch DIST RELEASE}: the image server's catalogue, and fetching,
 * verifying, caching (and on request extracting) an image. They use the image service only: no container, no
 * change to the host's network or id maps.
 */
@Component(service = ImageCommands.class, property = { "osgi.command.scope=lxcat", "osgi.command.function=images",
        "osgi.command.function=fetch" })
public class ImageCommands {

    static final String NO_SERVICE = "No image service: the bundle org.lxcatastrophe.image is not active (see 'lb' and the log).";
    static final String DEFAULT_IDS = "100000:65536";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ImageService images;

    @Descriptor("Lists the images the configured server (image.server / IMAGE_SERVER) offers; * marks builds in the local cache")
    public void images(
            @Descriptor("print this usage")
            @Parameter(names = { "-h", "--help" }, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("only this distribution, e.g. debian") String... dist) throws CommandFailed {
        if (help) {
            System.out.println(IMAGES_USAGE);
            return;
        }
        if (dist.length > 1) {
            throw new CommandFailed(IMAGES_USAGE);
        }
        failUnlessZero(err -> images(images, dist.length == 0 ? "" : dist[0], System.out, err));
    }

    static final String IMAGES_USAGE = String.join("\n",
            "usage: lxcat:images [DIST]",
            "  lists the images the configured server (image.server / IMAGE_SERVER) offers; * marks builds in the local cache",
            "  DIST        only this distribution, e.g. debian",
            "  -h, --help  print this usage");

    @Descriptor("Fetches an image from the configured server, verifies it and puts it in the cache; with --extract, unpacks it"
            + " into DIR/rootfs with every uid/gid shifted")
    public void fetch(
            @Descriptor("architecture (default: the configured dist.arch, i.e. the host's)")
            @Parameter(names = { "-a", "--arch" }, absentValue = "") String arch,
            @Descriptor("variant (default: default)")
            @Parameter(names = { "-v", "--variant" }, absentValue = "default") String variant,
            @Descriptor("use the cached build without asking the server")
            @Parameter(names = { "-f", "--force" }, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("drop the cached build and download it again")
            @Parameter(names = { "--flush" }, presentValue = "true", absentValue = "false") boolean flush,
            @Descriptor("container directory to extract into (DIR/rootfs must not exist)")
            @Parameter(names = { "-x", "--extract" }, absentValue = "") String extract,
            @Descriptor("host id range for the shift, BASE:SIZE (default " + DEFAULT_IDS + ")")
            @Parameter(names = { "-i", "--ids" }, absentValue = DEFAULT_IDS) String ids,
            @Descriptor("container name for the image's templates (default: the directory's name)")
            @Parameter(names = { "-n", "--name" }, absentValue = "") String name,
            @Descriptor("distribution, e.g. debian") String dist,
            @Descriptor("release, e.g. bookworm") String release) throws CommandFailed {
        failUnlessZero(err -> fetch(images, new Request(dist, release, arch, variant, force, flush, extract, ids, name),
                System.out, err));
    }

    /**
     * Runs a command that reports its failure on {@code err} and as a non-zero status, and turns that status into a
     * failed command (the shell prints the message once, and {@code lxcat-shell} exits with 1 instead of 0).
     */
    static void failUnlessZero(ToIntFunction<PrintStream> command) throws CommandFailed {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int status;
        try (PrintStream err = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            status = command.applyAsInt(err);
        }
        String message = buffer.toString(StandardCharsets.UTF_8).strip();
        if (status != 0) {
            throw new CommandFailed(message.isEmpty() ? "failed (status " + status + ")" : message);
        }
        if (!message.isEmpty()) {
            System.err.println(message);
        }
    }

    /** The fetch command's arguments. */
    record Request(String dist, String release, String arch, String variant, boolean force, boolean flush, String extract,
                   String ids, String name) {
    }

    static int images(ImageService s, String dist, PrintStream out, PrintStream err) {
        if (s == null) {
            err.println(NO_SERVICE);
            return 1;
        }
        try {
            List<ImageBuild> builds = s.list().stream().filter(b -> dist.isEmpty() || b.ref().dist().equalsIgnoreCase(dist))
                    .collect(Collectors.toList());
            Set<String> cached = s.cached().stream().map(c -> c.ref() + " " + c.buildId()).collect(Collectors.toSet());
            if (builds.isEmpty()) {
                out.println(dist.isEmpty() ? "The server offers no images." : "The server offers no " + dist + " images"
                        + " (lxcat:images without an argument lists them all).");
                return 0;
            }
            int[] w = {4, 7, 4, 7, 5};
            for (ImageBuild b : builds) {
                w[0] = Math.max(w[0], b.ref().dist().length());
                w[1] = Math.max(w[1], b.ref().release().length());
                w[2] = Math.max(w[2], b.ref().arch().length());
                w[3] = Math.max(w[3], b.ref().variant().length());
                w[4] = Math.max(w[4], b.buildId().length());
            }
            out.println("  " + StatusCommand.pad("DIST", w[0]) + "  " + StatusCommand.pad("RELEASE", w[1]) + "  " + StatusCommand.pad("ARCH", w[2])
                    + "  " + StatusCommand.pad("VARIANT", w[3]) + "  " + StatusCommand.pad("BUILD", w[4]) + "  PROTOCOL");
            for (ImageBuild b : builds) {
                ImageRef r = b.ref();
                out.println((cached.contains(r + " " + b.buildId()) ? "* " : "  ") + StatusCommand.pad(r.dist(), w[0]) + "  "
                        + StatusCommand.pad(r.release(), w[1]) + "  " + StatusCommand.pad(r.arch(), w[2]) + "  "
                        + StatusCommand.pad(r.variant(), w[3]) + "  " + StatusCommand.pad(b.buildId(), w[4]) + "  " + b.protocol());
            }
            return 0;
        } catch (LxcatException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    static int fetch(ImageService s, Request q, PrintStream out, PrintStream err) {
        if (s == null) {
            err.println(NO_SERVICE);
            return 1;
        }
        if (q.dist() == null || q.release() == null || q.dist().isBlank() || q.release().isBlank()) {
            err.println("usage: lxcat:fetch [--arch A] [--variant V] [--force] [--flush] [--extract DIR [--ids BASE:SIZE] [--name N]] DIST RELEASE");
            return 2;
        }
        if (q.force() && q.flush()) {
            err.println("--force (use the cache only) and --flush (drop the cache) contradict each other: give one of them");
            return 2;
        }
        IdRange range = null;
        Path dir = null;
        if (!q.extract().isEmpty()) {
            String[] p = q.ids().split(":");
            try {
                range = new IdRange(Long.parseLong(p[0].trim()), p.length > 1 ? Long.parseLong(p[1].trim()) : 65536);
                if (p.length > 2 || range.end() > 0xFFFFFFFFL) {
                    throw new IllegalArgumentException();
                }
            } catch (RuntimeException e) {
                err.println("--ids '" + q.ids() + "' is not BASE:SIZE with BASE >= 0, SIZE > 0 (e.g. " + DEFAULT_IDS + ")");
                return 2;
            }
            dir = Path.of(q.extract()).toAbsolutePath().normalize();
        }
        try {
            ImageRef configured = s.configuredImage();
            String arch = !q.arch().isEmpty() ? q.arch() : configured != null ? configured.arch() : "";
            if (arch.isEmpty()) {
                err.println("no architecture: give --arch (e.g. amd64) or configure dist.arch (DIST_ARCH)");
                return 2;
            }
            ImageRef ref = new ImageRef(q.dist().trim().toLowerCase(Locale.ROOT), q.release().trim(), arch.trim(), q.variant().trim());
            CachedImage c = s.fetch(ref, new FetchOptions(q.force(), q.flush()));
            out.println(ref + " build " + c.buildId() + ": " + (c.downloaded() ? "downloaded" : "already up to date")
                    + ", cached in " + c.directory() + (c.expiry() == null ? "" : " (expires " + c.expiry() + ")"));
            if (dir != null) {
                String name = q.name().isEmpty() ? dir.getFileName().toString() : q.name();
                ExtractedImage x = s.extract(c, dir, name, range);
                out.println("extracted " + x.entries() + " entries into " + x.rootfs() + " (container ids 0-" + (range.size() - 1)
                        + " as host ids " + range.base() + "-" + (range.end() - 1) + ", name " + name + ")");
            }
            return 0;
        } catch (LxcatException | IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
    }
}
