package org.lxcatastrophe.image.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;

/**
 * The LXC images index ({@code meta/1.0/index-system}, tried as {@code index-system.7} first): one image per line,
 * {@code dist;release;arch;variant;build;path}; the first matching line with a path wins.
 */
final class LxcIndexSource implements ImageSource {
    private static final Logger LOG = Logger.getLogger(LxcIndexSource.class.getName());
    private final URI server;
    private final String index;
    private final Downloader downloader;
    private List<ImageBuild> cachedAll;

    LxcIndexSource(URI server, String index, Downloader downloader) {
        this.server = server;
        this.index = index;
        this.downloader = downloader;
    }

    @Override
    public String protocol() {
        return "lxc";
    }

    /** Whether the server has an LXC index at all. */
    boolean available() throws LxcatException {
        return fetchIndex().isPresent();
    }

    private Optional<String> fetchIndex() throws LxcatException {
        for (String name : new String[] {"index-" + index + ".7", "index-" + index}) {
            Optional<byte[]> body = downloader.fetchSmall(server.resolve("meta/1.0/" + name));
            if (body.isPresent()) {
                LOG.fine("using " + server + "meta/1.0/" + name);
                return Optional.of(new String(body.get(), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** All lines of the index, in order (not only the newest). */
    List<ImageBuild> all() throws LxcatException {
        if (cachedAll != null) {
            return cachedAll;
        }
        String text = fetchIndex().orElseThrow(() -> new LxcatException("the server " + server
                + " has no LXC images index (meta/1.0/index-" + index + "): check IMAGE_SERVER or set IMAGE_PROTOCOL=simplestreams"));
        cachedAll = parse(text, server);
        return cachedAll;
    }

    static List<ImageBuild> parse(String text, URI server) {
        List<ImageBuild> out = new ArrayList<>();
        String base = server.toString().replaceAll("/+$", "");
        for (String line : text.split("\n")) {
            String[] f = line.trim().split(";", -1);
            if (f.length < 6 || f[5].isBlank() || f[0].isBlank()) {
                continue;
            }
            String path = f[5].trim();
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
            if (!path.endsWith("/")) {
                path = path + "/";
            }
            if (path.contains("/../") || path.contains("/./")) {
                continue;
            }
            URI location;
            try {
                location = URI.create(base + path);
            } catch (IllegalArgumentException e) {
                continue;
            }
            out.add(new ImageBuild(new ImageRef(f[0].trim(), f[1].trim(), Arch.normalise(f[2]), f[3].trim()), f[4].trim(), "lxc", location));
        }
        return out;
    }

    @Override
    public List<ImageBuild> list() throws LxcatException {
        return ImageSource.newestPerImage(all());
    }

    @Override
    public ResolvedBuild resolve(ImageRef ref) throws LxcatException {
        List<ImageBuild> all = all();
        for (ImageBuild b : all) {
            if (b.ref().equals(ref)) {
                URI loc = b.location();
                return new ResolvedBuild(b, new RemoteFile("rootfs.tar.xz", URI.create(loc + "rootfs.tar.xz"), -1, null),
                        new RemoteFile("meta.tar.xz", URI.create(loc + "meta.tar.xz"), -1, null), List.of());
            }
        }
        throw ImageSource.notOffered(ref, server.toString(), all);
    }
}
