package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.ExtractedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;
import org.lxcatastrophe.api.image.ImageService;
import org.lxcatastrophe.api.image.SignatureVerifier;
import org.lxcatastrophe.api.rootfs.RootfsService;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/** Fetches, verifies, caches and extracts images (LXC images index, simplestreams, file:// mirrors). */
@Component(service = ImageService.class, configurationPid = ImageServiceImpl.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ImageConfig.class)
public class ImageServiceImpl implements ImageService {
    public static final String PID = "org.lxcatastrophe.image";
    static final String TEMPLATE_CONFIG = "/usr/share/lxc/config";
    static final String HOOK_DIR = "/usr/share/lxc/hooks";
    private static final Logger LOG = Logger.getLogger(ImageServiceImpl.class.getName());
    private static final Pattern INCUS_NAME = Pattern.compile("\\{\\{\\s*(container|instance)\\.name\\s*\\}\\}");

    @Reference
    private RootfsService rootfsService;

    private volatile Settings settings;
    /** Where the OpenPGP verifier comes from (installed on demand in the framework). */
    private volatile Verifiers verifiers;

    /** The OpenPGP verifier, looked up (and if need be installed) when GPG checking first needs it. */
    interface Verifiers {
        SignatureVerifier get() throws LxcatException;
    }

    /** The validated configuration. */
    record Settings(ImageRef image, URI server, String protocol, String index, ImageCache cache, boolean forceCache,
                    boolean flushCache, String gpg, Path keyring, Duration timeout, int tries) {
    }

    public ImageServiceImpl() {
    }

    /** For tests: a service with explicit settings. */
    ImageServiceImpl(Settings settings, RootfsService rootfs, Verifiers verifiers) {
        this.settings = settings;
        this.rootfsService = rootfs;
        this.verifiers = verifiers;
    }

    @Activate
    void activate(BundleContext context, ImageConfig config) throws ConfigurationException {
        configure(config);
        verifiers = new OnDemandVerifier(context);
    }

    @Modified
    void configure(ImageConfig config) throws ConfigurationException {
        settings = settings(config, System.getenv());
        LOG.fine("image " + settings.image() + " from " + settings.server() + " (" + settings.protocol() + "), cache " + settings.cache().root());
    }

    @Deactivate
    void deactivate() {
        settings = null;
        if (verifiers instanceof OnDemandVerifier) {
            ((OnDemandVerifier) verifiers).close();
        }
    }

    static Settings settings(ImageConfig c, Map<String, String> env) throws ConfigurationException {
        String release = c.dist_flavour();
        if (env.get("DIST_FLAVOUR") == null && env.get("DIST_RELEASE") != null && !env.get("DIST_RELEASE").isBlank()) {
            release = env.get("DIST_RELEASE").trim();
        }
        if (c.dist_arch() != null && !c.dist_arch().isBlank() && !Arch.known(c.dist_arch())) {
            throw new ConfigurationException("dist.arch", "dist.arch (DIST_ARCH) '" + c.dist_arch().trim()
                    + "' is not a known architecture: use one of " + Arch.names() + " (or x86_64, aarch64, armv7l, i686,"
                    + " ppc64le), or leave it empty for this machine's");
        }
        String arch = c.dist_arch() == null || c.dist_arch().isBlank() ? Arch.host() : Arch.normalise(c.dist_arch());
        String dist = c.dist_name() == null ? "" : c.dist_name().trim().toLowerCase(Locale.ROOT);
        String variant = c.dist_variant() == null || c.dist_variant().isBlank() ? "default" : c.dist_variant().trim();
        release = release == null ? "" : release.trim();
        try {
            ImageCache.checkName("distribution", "dist.name", dist);
            ImageCache.checkName("release", "dist.flavour", release);
            ImageCache.checkName("architecture", "dist.arch", arch);
            ImageCache.checkName("variant", "dist.variant", variant);
        } catch (ConfigurationException e) {
            throw e;
        } catch (LxcatException e) {
            throw new ConfigurationException("dist.name", e.getMessage());
        }
        URI server;
        try {
            server = Downloader.checkServer(c.image_server());
        } catch (LxcatException e) {
            throw new ConfigurationException("image.server", e.getMessage());
        }
        String protocol = c.image_protocol() == null ? "auto" : c.image_protocol().trim().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "lxc", "simplestreams").contains(protocol)) {
            throw new ConfigurationException("image.protocol", "image.protocol (IMAGE_PROTOCOL) '" + c.image_protocol()
                    + "' is not one of auto, lxc, simplestreams");
        }
        String index = c.image_index() == null ? "system" : c.image_index().trim().toLowerCase(Locale.ROOT);
        if (!index.equals("system") && !index.equals("user")) {
            throw new ConfigurationException("image.index", "image.index (IMAGE_INDEX) '" + c.image_index() + "' is not system or user");
        }
        if (c.image_cache() == null || c.image_cache().isBlank() || !c.image_cache().trim().startsWith("/")) {
            throw new ConfigurationException("image.cache", "image.cache (IMAGE_CACHE) '" + c.image_cache() + "' must be an absolute directory path");
        }
        String gpg = c.image_gpg() == null ? "auto" : c.image_gpg().trim().toLowerCase(Locale.ROOT);
        if (!List.of("off", "auto", "required").contains(gpg)) {
            throw new ConfigurationException("image.gpg", "image.gpg (IMAGE_GPG) '" + c.image_gpg() + "' is not one of off, auto, required");
        }
        Path keyring = c.image_gpg_keyring() == null || c.image_gpg_keyring().isBlank() ? null : Path.of(c.image_gpg_keyring().trim());
        if (keyring != null && !Files.isReadable(keyring)) {
            throw new ConfigurationException("image.gpg.keyring", "image.gpg.keyring (IMAGE_GPG_KEYRING) " + keyring + " is not a readable file: mount or copy the image server's public key there, or leave it empty");
        }
        if (gpg.equals("required") && keyring == null) {
            throw new ConfigurationException("image.gpg.keyring", "image.gpg=required needs image.gpg.keyring (IMAGE_GPG_KEYRING): the public key file of the image server");
        }
        if (c.image_download_timeout() < 1 || c.image_download_timeout() > 3600) {
            throw new ConfigurationException("image.download.timeout", "image.download.timeout (IMAGE_DOWNLOAD_TIMEOUT) must be 1..3600 seconds");
        }
        if (c.image_download_tries() < 1 || c.image_download_tries() > 20) {
            throw new ConfigurationException("image.download.tries", "image.download.tries (IMAGE_DOWNLOAD_TRIES) must be 1..20");
        }
        return new Settings(new ImageRef(dist, release, arch, variant), server, protocol, index, new ImageCache(Path.of(c.image_cache().trim())),
                c.image_cache_force(), c.image_cache_flush(), gpg, keyring, Duration.ofSeconds(c.image_download_timeout()), c.image_download_tries());
    }

    private Settings settings() throws LxcatException {
        Settings s = settings;
        if (s == null) {
            throw new LxcatException("the image service is not configured");
        }
        return s;
    }

    @Override
    public ImageRef configuredImage() {
        Settings s = settings;
        return s == null ? null : s.image();
    }

    Downloader downloader(Settings s) {
        return new Downloader(s.timeout(), s.tries(), Long.getLong("lxcatastrophe.progress.millis", 3000));
    }

    ImageSource source(Settings s, Downloader d) throws LxcatException {
        switch (s.protocol()) {
            case "lxc":
                return new LxcIndexSource(s.server(), s.index(), d);
            case "simplestreams":
                return new SimpleStreamsSource(s.server(), d);
            default:
                LxcIndexSource lxc = new LxcIndexSource(s.server(), s.index(), d);
                if (lxc.available()) {
                    return lxc;
                }
                SimpleStreamsSource ss = new SimpleStreamsSource(s.server(), d);
                if (ss.available()) {
                    return ss;
                }
                throw new LxcatException("the server " + s.server() + " offers neither an LXC images index (meta/1.0/index-"
                        + s.index() + ") nor simplestreams (streams/v1/index.json): check IMAGE_SERVER");
        }
    }

    @Override
    public List<ImageBuild> list() throws LxcatException {
        Settings s = settings();
        Downloader d = downloader(s);
        try {
            return source(s, d).list();
        } finally {
            d.close();
        }
    }

    @Override
    public List<CachedImage> cached() throws LxcatException {
        Settings s = settings();
        try {
            return s.cache().all();
        } catch (IOException e) {
            throw new LxcatException("cannot read the image cache " + s.cache().root() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CachedImage fetch(ImageRef ref, FetchOptions options) throws LxcatException {
        Settings s = settings();
        ImageCache cache = s.cache();
        boolean flush = options.flushCache() || s.flushCache();
        boolean force = options.forceCache() || s.forceCache();
        ImageCache.checkName("distribution", "dist.name", ref.dist());
        ImageCache.checkName("release", "dist.flavour", ref.release());
        ImageCache.checkName("architecture", "dist.arch", ref.arch());
        ImageCache.checkName("variant", "dist.variant", ref.variant());
        try (ImageCache.Lock lock = cache.lock(ref)) {
            Optional<CachedImage> cached = cache.read(ref);
            if (flush) {
                LOG.info("flushing the cached " + ref);
                cache.flush(ref);
                cached = Optional.empty();
            }
            if (force) {
                return cached.orElseThrow(() -> new LxcatException("no cached build of " + ref + " in " + cache.root()
                        + ": unset IMAGE_CACHE_FORCE to download it"));
            }
            Downloader d = downloader(s);
            try {
                ResolvedBuild build;
                try {
                    build = source(s, d).resolve(ref);
                } catch (LxcatException e) {
                    if (cached.isPresent() && !expired(cached.get()) && !(e.getMessage().startsWith("no image "))) {
                        LOG.warning("cannot reach the image server (" + e.getMessage() + "); using the cached build " + cached.get().buildId() + " of " + ref);
                        return cached.get();
                    }
                    throw e;
                }
                String buildId = build.build().buildId();
                if (cached.isPresent() && cached.get().buildId().equals(buildId)) {
                    if (expired(cached.get())) {
                        LOG.info("cached " + ref + " build " + buildId + " is past its expiry but the server has no newer build; keeping it");
                    }
                    LOG.info(ref + " is already up to date (build " + buildId + ")");
                    return cached.get();
                }
                LOG.info("fetching " + ref + " build " + buildId + " from " + build.build().location() + " (" + build.build().protocol() + ")");
                return download(s, cache, build, d);
            } finally {
                d.close();
            }
        } catch (IOException e) {
            throw new LxcatException("the image cache " + cache.root() + " failed: " + e.getMessage()
                    + (String.valueOf(e.getMessage()).contains("No space") ? ": free some disk space" : ""), e);
        }
    }

    private static boolean expired(CachedImage c) {
        return c.expiry() != null && c.expiry().isBefore(Instant.now());
    }

    private CachedImage download(Settings s, ImageCache cache, ResolvedBuild build, Downloader d) throws LxcatException, IOException {
        ImageRef ref = build.build().ref();
        String buildId = build.build().buildId();
        Path staging = cache.staging(ref, buildId);
        List<RemoteFile> files = List.of(build.meta(), build.rootfs());
        Signatures sigs = signatures(s, build, d);
        for (RemoteFile f : files) {
            Path done = staging.resolve(f.name());
            if (Files.exists(done) && f.sha256() != null) {
                try {
                    Verifier.check(done, f.name(), f.size(), f.sha256());
                    continue;
                } catch (LxcatException e) {
                    Files.delete(done);
                }
            }
            Path part = staging.resolve(f.name() + ".part");
            d.download(f.uri(), part, f.size(), ref + " " + f.name());
            try {
                Verifier.check(part, f.uri().toString(), f.size(), f.sha256());
            } catch (LxcatException e) {
                Files.deleteIfExists(part);
                throw e;
            }
            Files.move(part, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            verifyPublished(build, staging, d, sigs);
        } catch (LxcatException e) {
            for (RemoteFile f : files) {
                Files.deleteIfExists(staging.resolve(f.name()));
            }
            throw e;
        }
        ImageMetadata meta;
        try {
            meta = ImageMetadata.read(staging.resolve(build.meta().name()));
        } catch (LxcatException e) {
            Files.deleteIfExists(staging.resolve(build.meta().name()));
            throw e;
        }
        return cache.commit(ref, staging, buildId, build.build().protocol(), meta.expiry());
    }

    /**
     * The detached signatures a build has on the server ({@code .asc} of each file, of SHA256SUMS) and the keys to
     * check them with; {@code keys} is null when nothing is to be checked.
     */
    record Signatures(SignatureVerifier.PublicKeys keys, Map<RemoteFile, byte[]> files, byte[] sums) {
        static final Signatures NONE = new Signatures(null, Map.of(), null);
    }

    /**
     * Before any large transfer: which signatures the server publishes for the build (a build image.gpg=required
     * cannot accept fails now, not after the download), and the keyring read (a bad one fails now too). The OpenPGP
     * verifier is installed only when there is a signature to check; a keyring with a server that signs nothing is
     * said once in the log (image.gpg=auto takes the build unsigned).
     */
    private Signatures signatures(Settings s, ResolvedBuild build, Downloader d) throws LxcatException {
        if (s.gpg().equals("off") || s.keyring() == null) {
            return Signatures.NONE;
        }
        Map<RemoteFile, byte[]> files = new LinkedHashMap<>();
        for (RemoteFile f : List.of(build.rootfs(), build.meta())) {
            Optional<byte[]> sig = d.fetchSmall(URI.create(f.uri() + ".asc"));
            if (sig.isPresent()) {
                files.put(f, sig.get());
            } else if (s.gpg().equals("required")) {
                throw new LxcatException("the server has no GPG signature " + f.uri() + ".asc but image.gpg=required: "
                        + "use a server that signs its images or set IMAGE_GPG=auto");
            }
        }
        byte[] sums = d.fetchSmall(URI.create(build.build().location() + "SHA256SUMS.asc")).orElse(null);
        if (files.isEmpty() && sums == null) {
            LOG.warning(build.build().ref() + " build " + build.build().buildId() + " has no GPG signature on "
                    + build.build().location() + ": image.gpg=auto takes it unsigned (IMAGE_GPG=required refuses such builds)");
            return Signatures.NONE;
        }
        return new Signatures(verifiers.get().readKeyring(s.keyring()), files, sums);
    }

    /** SHA256SUMS (when the build directory has one) and the detached signatures found before the download. */
    private void verifyPublished(ResolvedBuild build, Path staging, Downloader d, Signatures sigs) throws LxcatException {
        URI loc = build.build().location();
        Optional<byte[]> sums = d.fetchSmall(URI.create(loc + "SHA256SUMS"));
        if (sums.isPresent()) {
            Map<String, String> sum = Verifier.parseSums(sums.get());
            int checked = 0;
            for (RemoteFile f : List.of(build.rootfs(), build.meta())) {
                String remoteName = f.uri().getPath().substring(f.uri().getPath().lastIndexOf('/') + 1);
                String want = sum.get(remoteName);
                if (want != null) {
                    Verifier.check(staging.resolve(f.name()), remoteName, -1, want);
                    checked++;
                }
            }
            LOG.info("SHA256SUMS: " + checked + " file(s) of " + build.build().ref() + " match");
            if (sigs.keys() != null && sigs.sums() != null) {
                try {
                    Path tmp = staging.resolve("SHA256SUMS");
                    Files.write(tmp, sums.get());
                    sigs.keys().verifyDetached(tmp, "SHA256SUMS", sigs.sums());
                    Files.delete(tmp);
                } catch (IOException e) {
                    throw new LxcatException("cannot check SHA256SUMS.asc: " + e.getMessage(), e);
                }
            }
        }
        if (sigs.keys() == null) {
            return;
        }
        for (Map.Entry<RemoteFile, byte[]> f : sigs.files().entrySet()) {
            sigs.keys().verifyDetached(staging.resolve(f.getKey().name()), f.getKey().name(), f.getValue());
        }
        if (!sigs.files().isEmpty()) {
            LOG.info("GPG: " + sigs.files().size() + " signature(s) of " + build.build().ref() + " are good");
        }
    }

    @Override
    public ExtractedImage extract(CachedImage image, Path containerDir, String containerName, IdRange ids,
            BeforeInstall beforeInstall) throws LxcatException {
        Path rootfs = containerDir.resolve("rootfs");
        if (Files.exists(rootfs, LinkOption.NOFOLLOW_LINKS)) {
            throw new LxcatException("the rootfs " + rootfs + " already exists: remove it (or the container) before extracting again");
        }
        Path metaFile = ImageCache.metaFile(image.directory()).orElseThrow(() -> new LxcatException(
                "the cached " + image.ref() + " has no metadata file: fetch it again with IMAGE_CACHE_FLUSH=true"));
        ImageMetadata meta = ImageMetadata.read(metaFile);
        Path tmp;
        try {
            Files.createDirectories(containerDir);
            removeInterruptedExtractions(containerDir);
            tmp = Files.createTempDirectory(containerDir, ROOTFS_TMP_PREFIX, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new LxcatException("cannot create the container directory " + containerDir + ": " + e.getMessage(), e);
        }
        boolean ok = false;
        try {
            long t0 = System.nanoTime();
            TarExtractor.Result r = new TarExtractor(ids, meta.lxc ? meta.excludes() : java.util.Set.of())
                    .extractXz(image.rootfs(), tmp, threads());
            LOG.info(String.format(Locale.ROOT, "extracted %s: %d entries (%d skipped), %.1f MB in %.1f s", image.ref(), r.entries(),
                    r.skipped(), r.bytes() / 1e6, (System.nanoTime() - t0) / 1e9));
            List<String> config;
            RootfsWriter writer = rootfsService.writer(tmp, ids);
            Map<String, String> vars = Map.of("LXC_NAME", containerName, "LXC_PATH", containerDir.toAbsolutePath().getParent().toString(),
                    "LXC_ROOTFS", rootfs.toAbsolutePath().toString(), "LXC_TEMPLATE_CONFIG", TEMPLATE_CONFIG, "LXC_HOOK_DIR", HOOK_DIR);
            if (meta.lxc) {
                for (String t : meta.templates()) {
                    template(writer, tmp, t, body -> substitute(body, vars), false);
                }
                config = new ArrayList<>();
                for (String line : meta.lxcConfig()) {
                    config.add(substitute(line, vars));
                }
            } else {
                for (Map.Entry<String, String> t : meta.incusTemplates().entrySet()) {
                    String body = INCUS_NAME.matcher(t.getValue()).replaceAll(Matcher.quoteReplacement(containerName));
                    if (body.contains("{{") || body.contains("{%")) {
                        LOG.fine("template for " + t.getKey() + " uses features beyond the instance name; not applied");
                        continue;
                    }
                    template(writer, tmp, t.getKey(), old -> body, true);
                }
                config = generatedConfig(image.ref());
            }
            hostname(writer, tmp, containerName);
            ExtractedImage extracted = new ExtractedImage(image, rootfs, List.copyOf(config), r.entries());
            beforeInstall.record(extracted);
            Files.move(tmp, rootfs, StandardCopyOption.ATOMIC_MOVE);
            ok = true;
            String message = meta.createMessage();
            if (message != null && !message.isEmpty()) {
                LOG.info(message.replace('\n', ' '));
            }
            return extracted;
        } catch (IOException e) {
            throw new LxcatException("extracting " + image.ref() + " into " + containerDir + " failed: " + e.getMessage()
                    + (String.valueOf(e.getMessage()).contains("No space") ? ": free some disk space" : ""), e);
        } finally {
            if (!ok) {
                try {
                    ImageCache.deleteTree(tmp);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot remove the half-extracted " + tmp + ": " + e.getMessage());
                }
            }
        }
    }

    static final String ROOTFS_TMP_PREFIX = ".rootfs.tmp-";

    /**
     * Removes what an extraction killed midway (SIGKILL, power loss) left in {@code containerDir}: it is never used,
     * but each one kept a whole rootfs on the volume.
     */
    static void removeInterruptedExtractions(Path containerDir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(containerDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(ROOTFS_TMP_PREFIX)).toList()) {
                ImageCache.deleteTree(p);
                LOG.info("removed " + p + ", left by an extraction that was interrupted");
            }
        }
    }

    static int threads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    static String substitute(String text, Map<String, String> vars) {
        String out = text;
        for (String k : List.of("LXC_TEMPLATE_CONFIG", "LXC_HOOK_DIR", "LXC_ROOTFS", "LXC_PATH", "LXC_NAME")) {
            out = out.replace(k, vars.get(k));
        }
        return out;
    }

    /**
     * Rewrites one file of the rootfs through the safe writer, keeping its mode and owner. A listed file the rootfs
     * does not have is skipped (as lxc-create's download template does) unless {@code create} (Incus templates).
     */
    private static void template(RootfsWriter writer, Path root, String path, java.util.function.UnaryOperator<String> render,
                                 boolean create) throws IOException {
        String rel = path.replaceAll("^/+", "");
        if (rel.isEmpty()) {
            return;
        }
        Optional<String> old = writer.read("/" + rel);
        if (old.isEmpty() && (!create || writer.exists("/" + rel))) {
            return;
        }
        Path host = root.resolve(rel).normalize();
        int mode = 0644;
        int uid = 0;
        int gid = 0;
        if (host.startsWith(root) && Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)) {
            mode = (Integer) Files.getAttribute(host, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
            long base = (Integer) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            uid = (int) Math.max(0, (Integer) Files.getAttribute(host, "unix:uid", LinkOption.NOFOLLOW_LINKS) - base);
            gid = (int) Math.max(0, (Integer) Files.getAttribute(host, "unix:gid", LinkOption.NOFOLLOW_LINKS) - base);
        }
        writer.write("/" + rel, render.apply(old.orElse("")).getBytes(StandardCharsets.UTF_8), mode, uid, gid);
    }

    /**
     * Whatever the image's template list says, the container's /etc/hostname never stays a placeholder
     * ({@code LXC_NAME}, an unrendered Incus template, or empty).
     */
    private static void hostname(RootfsWriter writer, Path root, String name) throws IOException {
        Optional<String> h = writer.read("/etc/hostname");
        if (h.isPresent() && (h.get().contains("LXC_NAME") || h.get().contains("{{") || h.get().isBlank())) {
            LOG.fine("/etc/hostname of the image is a placeholder; writing " + name);
            template(writer, root, "/etc/hostname", old -> name + "\n", false);
        }
    }

    /** For simplestreams images (no LXC config in the metadata): the distribution's common/userns includes and the arch. */
    static List<String> generatedConfig(ImageRef ref) {
        List<String> out = new ArrayList<>();
        Path dir = Path.of(TEMPLATE_CONFIG);
        String common = Files.exists(dir.resolve(ref.dist() + ".common.conf")) ? ref.dist() + ".common.conf" : "common.conf";
        String userns = Files.exists(dir.resolve(ref.dist() + ".userns.conf")) ? ref.dist() + ".userns.conf" : "userns.conf";
        out.add("lxc.include = " + TEMPLATE_CONFIG + "/" + common);
        out.add("lxc.include = " + TEMPLATE_CONFIG + "/" + userns);
        out.add("lxc.arch = " + Arch.kernel(ref.arch()));
        return out;
    }
}
