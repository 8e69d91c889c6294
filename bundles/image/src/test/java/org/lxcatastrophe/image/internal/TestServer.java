package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) serving a directory the way a static images server does: GET and
 * HEAD, {@code Range: bytes=N-} answered with 206, 404 for missing files. Tests can make a path answer a status, or
 * have the connection cut once after some bytes (a broken transfer).
 */
final class TestServer implements AutoCloseable {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "test-http");
        t.setDaemon(true);
        return t;
    });
    private final Path root;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final Map<String, Integer> statusFor = new ConcurrentHashMap<>();
    final Map<String, Long> cutOnceAfter = new ConcurrentHashMap<>();
    /** A path (suffix) answered with 302 and this Location. */
    final Map<String, String> redirectFor = new ConcurrentHashMap<>();
    final AtomicInteger ranged = new AtomicInteger();
    volatile String lastUserAgent;
    /** A pause after each 64 KiB of a body: a slow server, so a test can interrupt a transfer. */
    volatile long pauseMillis;

    TestServer(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** How many GETs asked for a path ending in {@code suffix}. */
    long count(String suffix) {
        return requests.stream().filter(r -> r.startsWith("GET ") && r.endsWith(suffix)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            requests.add(ex.getRequestMethod() + " " + path);
            lastUserAgent = ex.getRequestHeaders().getFirst("User-Agent");
            for (Map.Entry<String, String> r : redirectFor.entrySet()) {
                if (path.endsWith(r.getKey())) {
                    ex.getResponseHeaders().add("Location", r.getValue());
                    ex.sendResponseHeaders(302, -1);
                    return;
                }
            }
            for (Map.Entry<String, Integer> s : statusFor.entrySet()) {
                if (path.endsWith(s.getKey())) {
                    ex.sendResponseHeaders(s.getValue(), -1);
                    return;
                }
            }
            Path file = root.resolve(path.substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            long size = Files.size(file);
            long from = 0;
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null) {
                Matcher m = RANGE.matcher(range);
                if (m.matches()) {
                    from = Long.parseLong(m.group(1));
                    if (from >= size) {
                        ex.getResponseHeaders().add("Content-Range", "bytes */" + size);
                        ex.sendResponseHeaders(416, -1);
                        return;
                    }
                    ranged.incrementAndGet();
                    ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
                }
            }
            ex.getResponseHeaders().add("Accept-Ranges", "bytes");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(from > 0 ? 206 : 200, size - from);
            Long cut = null;
            for (Map.Entry<String, Long> c : cutOnceAfter.entrySet()) {
                if (path.endsWith(c.getKey()) && cutOnceAfter.remove(c.getKey()) != null) {
                    cut = c.getValue();
                }
            }
            try (InputStream in = Files.newInputStream(file)) {
                in.skipNBytes(from);
                OutputStream out = ex.getResponseBody();
                byte[] buf = new byte[1 << 16];
                long sent = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (cut != null && sent + n > cut) {
                        out.write(buf, 0, (int) (cut - sent));
                        out.flush();
                        // a broken transfer: drop the connection in the middle of the body
                        throw new IOException("cut by the test");
                    }
                    out.write(buf, 0, n);
                    sent += n;
                    if (pauseMillis > 0) {
                        out.flush();
                        try {
                            Thread.sleep(pauseMillis);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the client went away or the test cut the connection
            // nothing to answer any more
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
