package org.lxcatastrophe.image.internal;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;
import org.lxcatastrophe.json.Json;
import org.lxcatastrophe.json.JsonException;

/**
 * simplestreams (Incus/LXD image servers): {@code streams/v1/index.json} names the {@code image-downloads} products
 * files; a product {@code os:release:arch:variant} has versions, the newest wins; its {@code root.tar.xz} item and its
 * metadata item ({@code incus.tar.xz} or {@code lxd.tar.xz}) are fetched with their size and sha256 checked.
 */
final class SimpleStreamsSource implements ImageSource {
    private final URI server;
    private final Downloader downloader;
    private List<Product> products;

    /** One version of one product with the two items we need (either may be null). */
    record Product(ImageRef ref, List<String> aliases, String version, Map<String, Object> root, Map<String, Object> meta, String metaName) {
    }

    SimpleStreamsSource(URI server, Downloader downloader) {
        this.server = server;
        this.downloader = downloader;
    }

    @Override
    public String protocol() {
        return "simplestreams";
    }

    boolean available() throws LxcatException {
        return downloader.fetchSmall(server.resolve("streams/v1/index.json")).isPresent();
    }

    @SuppressWarnings("unchecked")
    List<Product> products() throws LxcatException {
        if (products != null) {
            return products;
        }
        Optional<byte[]> index = downloader.fetchSmall(server.resolve("streams/v1/index.json"));
        if (index.isEmpty()) {
            throw new LxcatException("the server " + server + " has no simplestreams index (streams/v1/index.json): check IMAGE_SERVER or set IMAGE_PROTOCOL=lxc");
        }
        List<Product> out = new ArrayList<>();
        Map<String, Object> idx = json(index.get(), "streams/v1/index.json");
        Object entries = idx.get("index");
        if (!(entries instanceof Map)) {
            throw new LxcatException(server + "streams/v1/index.json is not a simplestreams index (no \"index\" object)");
        }
        for (Object e : ((Map<String, Object>) entries).values()) {
            if (!(e instanceof Map)) {
                continue;
            }
            Map<String, Object> entry = (Map<String, Object>) e;
            if (!"image-downloads".equals(entry.get("datatype")) || !(entry.get("path") instanceof String)) {
                continue;
            }
            String path = (String) entry.get("path");
            byte[] body = downloader.fetchSmall(server.resolve(path)).orElseThrow(
                    () -> new LxcatException("the simplestreams index of " + server + " names " + path + " but the server does not have it"));
            out.addAll(parseProducts(json(body, path)));
        }
        products = out;
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Product> parseProducts(Map<String, Object> doc) {
        List<Product> out = new ArrayList<>();
        Object ps = doc.get("products");
        if (!(ps instanceof Map)) {
            return out;
        }
        for (Map.Entry<String, Object> pe : ((Map<String, Object>) ps).entrySet()) {
            if (!(pe.getValue() instanceof Map)) {
                continue;
            }
            Map<String, Object> p = (Map<String, Object>) pe.getValue();
            String[] key = pe.getKey().split(":");
            String dist = key.length == 4 ? key[0] : str(p.get("os")).toLowerCase(java.util.Locale.ROOT);
            String release = key.length == 4 ? key[1] : str(p.get("release"));
            String arch = key.length == 4 ? key[2] : str(p.get("arch"));
            String variant = key.length == 4 ? key[3] : str(p.get("variant"));
            if (dist.isEmpty() || release.isEmpty() || arch.isEmpty()) {
                continue;
            }
            if (variant.isEmpty()) {
                variant = "default";
            }
            List<String> aliases = new ArrayList<>();
            for (String a : str(p.get("aliases")).split(",")) {
                if (!a.isBlank()) {
                    aliases.add(a.trim());
                }
            }
            Object vs = p.get("versions");
            if (!(vs instanceof Map)) {
                continue;
            }
            String newest = null;
            Map<String, Object> root = null;
            Map<String, Object> meta = null;
            String metaName = null;
            for (Map.Entry<String, Object> ve : ((Map<String, Object>) vs).entrySet()) {
                if (!(ve.getValue() instanceof Map) || !(((Map<String, Object>) ve.getValue()).get("items") instanceof Map)) {
                    continue;
                }
                Map<String, Object> items = (Map<String, Object>) ((Map<String, Object>) ve.getValue()).get("items");
                Map<String, Object> r = null;
                Map<String, Object> m = null;
                String mName = null;
                for (Object io : items.values()) {
                    if (!(io instanceof Map)) {
                        continue;
                    }
                    Map<String, Object> item = (Map<String, Object>) io;
                    String ftype = str(item.get("ftype"));
                    if (ftype.equals("root.tar.xz")) {
                        r = item;
                    } else if (ftype.equals("incus.tar.xz") || (ftype.equals("lxd.tar.xz") && m == null)) {
                        m = item;
                        mName = ftype;
                    }
                }
                if (r == null || m == null) {
                    continue;
                }
                if (newest == null || ve.getKey().compareTo(newest) > 0) {
                    newest = ve.getKey();
                    root = r;
                    meta = m;
                    metaName = mName;
                }
            }
            if (newest != null) {
                out.add(new Product(new ImageRef(dist, release, Arch.normalise(arch), variant), aliases, newest, root, meta, metaName));
            }
        }
        return out;
    }

    @Override
    public List<ImageBuild> list() throws LxcatException {
        List<ImageBuild> out = new ArrayList<>();
        for (Product p : products()) {
            out.add(build(p));
        }
        return ImageSource.newestPerImage(out);
    }

    private ImageBuild build(Product p) {
        String path = str(p.root().get("path"));
        int slash = path.lastIndexOf('/');
        return new ImageBuild(p.ref(), p.version(), "simplestreams", server.resolve(slash >= 0 ? path.substring(0, slash + 1) : ""));
    }

    @Override
    public ResolvedBuild resolve(ImageRef ref) throws LxcatException {
        List<Product> ps = products();
        Product hit = null;
        for (Product p : ps) {
            if (p.ref().equals(ref)) {
                hit = p;
                break;
            }
        }
        if (hit == null) {
            // aliases: "debian/bookworm" (default variant) or "debian/bookworm/cloud", same architecture
            String alias = ref.dist() + "/" + ref.release() + ("default".equals(ref.variant()) ? "" : "/" + ref.variant());
            for (Product p : ps) {
                if (p.ref().arch().equals(ref.arch()) && p.aliases().contains(alias)) {
                    hit = p;
                    break;
                }
            }
        }
        if (hit == null) {
            List<ImageBuild> all = new ArrayList<>();
            for (Product p : ps) {
                all.add(build(p));
            }
            throw ImageSource.notOffered(ref, server.toString(), all);
        }
        return new ResolvedBuild(build(hit), item("rootfs.tar.xz", hit.root()), item(hit.metaName(), hit.meta()), List.of());
    }

    private RemoteFile item(String name, Map<String, Object> item) throws LxcatException {
        String path = str(item.get("path"));
        String sha = str(item.get("sha256"));
        if (path.isEmpty() || path.startsWith("/") || path.contains("..")) {
            throw new LxcatException("the simplestreams item path '" + path + "' on " + server + " is not a relative path");
        }
        if (!sha.matches("[0-9a-fA-F]{64}")) {
            throw new LxcatException("the simplestreams item " + path + " on " + server + " has no valid sha256");
        }
        Object size = item.get("size");
        return new RemoteFile(name, server.resolve(path), size instanceof Number ? ((Number) size).longValue() : -1, sha.toLowerCase(java.util.Locale.ROOT));
    }

    private Map<String, Object> json(byte[] body, String what) throws LxcatException {
        try {
            // JSON is UTF-8 (RFC 8259): bytes that are not are an error, not replacement characters
            CharSequence text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return Json.parseObject(text);
        } catch (CharacterCodingException e) {
            throw new LxcatException(server + what + " is not valid JSON: it is not UTF-8 text");
        } catch (JsonException e) {
            throw new LxcatException(server + what + " is not valid JSON: " + e.getMessage());
        }
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
