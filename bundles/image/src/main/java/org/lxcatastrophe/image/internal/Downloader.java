package org.lxcatastrophe.image.internal;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;

/**
 * Downloads over https (http and file only when the server is configured so): timeouts, retries that resume a
 * broken transfer with a Range request, redirects followed (never https to http), a User-Agent naming the product,
 * and a progress line every few seconds.
 */
final class Downloader {
    static final String USER_AGENT = "lxcatastrophe/0.1 (image fetcher; +https://github.com/lxcatastrophe)";
    private static final Logger LOG = Logger.getLogger(Downloader.class.getName());

    /** Thrown when the server says the file does not exist (HTTP 404/410, missing file). */
    static final class NotFound extends LxcatException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    /** Redirects followed before a transfer gives up (what curl and browsers allow is in this range). */
    static final int MAX_REDIRECTS = 10;

    private final Duration timeout;
    private final int tries;
    private final long progressEveryMillis;
    private final ScheduledExecutorService watchdog;

    Downloader(Duration timeout, int tries, long progressEveryMillis) {
        this.timeout = timeout;
        this.tries = Math.max(1, tries);
        this.progressEveryMillis = progressEveryMillis;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lxcat-download-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    void close() {
        watchdog.shutdownNow();
    }

    /** Checks a server URI: https, or http/file given explicitly. */
    static URI checkServer(String server) throws LxcatException {
        URI uri;
        try {
            uri = URI.create(server.trim().endsWith("/") ? server.trim() : server.trim() + "/");
        } catch (IllegalArgumentException e) {
            throw new LxcatException("image.server '" + server + "' is not a URL: set IMAGE_SERVER to https://host[/path], http://... or file:///dir");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("file")) {
            throw new LxcatException("image.server '" + server + "' must start with https://, http:// or file://");
        }
        if (!scheme.equals("file") && (uri.getHost() == null || uri.getHost().isEmpty())) {
            throw new LxcatException("image.server '" + server + "' has no host: set IMAGE_SERVER to e.g. https://images.linuxcontainers.org");
        }
        return uri;
    }

    /** A small file (index, checksums, signature) in memory; empty when the server does not have it. */
    Optional<byte[]> fetchSmall(URI uri) throws LxcatException {
        LxcatException last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            try {
                return Optional.of(readAll(uri));
            } catch (NotFound e) {
                return Optional.empty();
            } catch (LxcatException e) {
                last = e;
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                if (attempt < tries) {
                    LOG.fine("try " + attempt + " of " + uri + " failed: " + e.getMessage());
                    sleep(attempt);
                }
            }
        }
        throw last;
    }

    private byte[] readAll(URI uri) throws LxcatException {
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            try {
                return Files.readAllBytes(Path.of(uri));
            } catch (NoSuchFileException | FileNotFoundException e) {
                throw new NotFound(uri + " does not exist");
            } catch (IOException e) {
                throw new LxcatException("cannot read " + uri + ": " + e.getMessage(), e);
            }
        }
        Guard guard = new Guard();
        try {
            Reply r = open(uri, 0, guard);
            try (InputStream in = r.body()) {
                checkStatus(uri, r.status());
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw guard.interrupted() ? interrupted(uri) : networkError(uri, e);
        } finally {
            guard.cancel();
        }
    }

    /** A response: its status, the connection (for the headers) and its body (the error body for a failure, may be empty). */
    private record Reply(int status, HttpURLConnection conn, InputStream body) {
    }

    /**
     * Ends a blocking request when its thread is interrupted (a socket read does not notice an interrupt): the
     * watchdog checks every 200 ms and disconnects. Also the stall detection of a body transfer.
     */
    private final class Guard {
        private final Thread caller = Thread.currentThread();
        private volatile HttpURLConnection conn;
        private volatile boolean interrupted;
        private final ScheduledFuture<?> tick;

        Guard() {
            tick = watchdog.scheduleAtFixedRate(() -> {
                HttpURLConnection c = conn;
                if (c != null && caller.isInterrupted()) {
                    interrupted = true;
                    c.disconnect();
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
        }

        void watch(HttpURLConnection c) {
            conn = c;
        }

        boolean interrupted() {
            return interrupted || caller.isInterrupted();
        }

        void cancel() {
            tick.cancel(false);
        }
    }

    /**
     * GET {@code uri} (from byte {@code from} when &gt; 0), following redirects except from https to http, with the
     * connect and read timeouts. The JDK's HttpURLConnection and not java.net.http: the latter sets up the TLS stack
     * (about 400 classes and the CA certificates, several MB the runtime keeps) even for an http or file mirror.
     */
    private Reply open(URI uri, long from, Guard guard) throws IOException, LxcatException {
        URI at = uri;
        for (int hop = 0; ; hop++) {
            HttpURLConnection c = (HttpURLConnection) at.toURL().openConnection();
            guard.watch(c);
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setRequestProperty("User-Agent", USER_AGENT);
            if (from > 0) {
                c.setRequestProperty("Range", "bytes=" + from + "-");
            }
            int status = c.getResponseCode();
            String location = c.getHeaderField("Location");
            if (status >= 300 && status <= 399 && status != 304 && location != null) {
                drain(c);
                URI next = redirectTarget(at, location);
                if (hop + 1 >= MAX_REDIRECTS) {
                    throw new LxcatException("more than " + MAX_REDIRECTS + " redirects for " + uri + " (last to " + next + ")");
                }
                LOG.fine("redirect " + status + " from " + at + " to " + next);
                at = next;
                continue;
            }
            InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new Reply(status, c, body == null ? InputStream.nullInputStream() : body);
        }
    }

    /** Where a redirect leads: http or https, never from https down to http (the rule of java.net.http's NORMAL). */
    static URI redirectTarget(URI from, String location) throws LxcatException {
        URI to;
        try {
            to = from.resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new LxcatException("the server redirected " + from + " to '" + location + "', which is not a URL");
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new LxcatException("the server redirected " + from + " to " + to + ": only http and https are followed");
        }
        if ("https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http")) {
            throw new LxcatException("the server redirected " + from + " to " + to + ", from https down to http: refused"
                    + " (set IMAGE_SERVER to the http:// URL if that server is meant)");
        }
        return to;
    }

    private static void drain(HttpURLConnection c) {
        try (InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream()) {
            if (in != null) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            c.disconnect();
        }
    }

    private static LxcatException interrupted(URI uri) {
        Thread.currentThread().interrupt();
        return new LxcatException("interrupted while downloading " + uri);
    }

    /**
     * Downloads {@code uri} to {@code dest}. An existing {@code dest} is taken as the start of the file and resumed.
     *
     * @param expectedSize the size when known (simplestreams), else -1
     */
    void download(URI uri, Path dest, long expectedSize, String label) throws LxcatException {
        LxcatException last = null;
        for (int attempt = 1; attempt <= tries; attempt++) {
            try {
                if ("file".equalsIgnoreCase(uri.getScheme())) {
                    copyFile(uri, dest, expectedSize, label);
                } else {
                    httpDownload(uri, dest, expectedSize, label);
                }
                return;
            } catch (NotFound e) {
                throw e;
            } catch (LxcatException e) {
                last = e;
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                if (attempt < tries) {
                    LOG.warning("download of " + label + " failed (try " + attempt + " of " + tries + "): " + e.getMessage() + "; retrying");
                    sleep(attempt);
                }
            }
        }
        throw new LxcatException(last.getMessage() + " (gave up after " + tries + " tries)", last);
    }

    private void copyFile(URI uri, Path dest, long expectedSize, String label) throws LxcatException {
        Path src = Path.of(uri);
        try (InputStream in = Files.newInputStream(src);
             OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            long size = expectedSize >= 0 ? expectedSize : Files.size(src);
            pump(in, out, 0, size, label, null);
        } catch (NoSuchFileException e) {
            throw new NotFound(uri + " does not exist on the mirror");
        } catch (IOException e) {
            throw new LxcatException("cannot copy " + uri + " to " + dest + ": " + e.getMessage(), e);
        }
    }

    private void httpDownload(URI uri, Path dest, long expectedSize, String label) throws LxcatException {
        long have = 0;
        try {
            have = Files.exists(dest) ? Files.size(dest) : 0;
        } catch (IOException e) {
            have = 0;
        }
        if (expectedSize >= 0 && have == expectedSize) {
            return;
        }
        if (expectedSize >= 0 && have > expectedSize) {
            have = 0;
        }
        Guard guard = new Guard();
        try {
            Reply resp = open(uri, have, guard);
            int status = resp.status();
            boolean append;
            if (status == 206 && have > 0) {
                append = true;
                LOG.info("resuming " + label + " at " + mb(have));
            } else if (status == 416 && have > 0) {
                resp.body().close();
                String range = resp.conn().getHeaderField("Content-Range");
                long size = range != null && range.matches("bytes \\*/\\d+") ? Long.parseLong(range.substring(range.indexOf('/') + 1)) : -1L;
                if (size < 0 || size == have) {
                    // the server has nothing after what we have: the file is complete (the checksum decides)
                    return;
                }
                // what we have is longer than the file (a stale partial of another upload): start again
                LOG.info("the partial " + label + " (" + mb(have) + ") is longer than the file on the server (" + mb(size) + "); restarting");
                Files.delete(dest);
                guard.cancel();
                httpDownload(uri, dest, expectedSize, label);
                return;
            } else {
                if (status < 200 || status > 299) {
                    resp.body().close();
                }
                checkStatus(uri, status);
                append = false;
                have = 0;
            }
            long total = resp.conn().getContentLengthLong();
            if (total >= 0) {
                total += have;
            } else {
                total = expectedSize;
            }
            try (InputStream in = resp.body();
                 OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                long got = pump(in, out, have, total, label, in);
                if (guard.interrupted()) {
                    // the watchdog's disconnect can end the body as a short read rather than an IOException
                    throw interrupted(uri);
                }
                if (total >= 0 && got < total) {
                    throw new LxcatException("connection closed after " + mb(got) + " of " + mb(total) + " of " + uri);
                }
            }
        } catch (SocketTimeoutException e) {
            if (guard.interrupted()) {
                throw interrupted(uri);
            }
            throw String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect")
                    ? new LxcatException("timed out connecting to " + uri.getHost() + " for " + uri + ": check IMAGE_SERVER and the network", e)
                    : new LxcatException("timed out waiting for " + uri + " (no data for " + timeout.toSeconds() + " s)", e);
        } catch (IOException e) {
            throw guard.interrupted() ? interrupted(uri) : networkError(uri, e);
        } finally {
            guard.cancel();
        }
    }

    /** Copies with a stall watchdog (closes the stream after {@code timeout} without bytes) and progress lines. */
    private long pump(InputStream in, OutputStream out, long start, long total, String label, InputStream closeOnStall)
            throws IOException, LxcatException {
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        AtomicLong stalled = new AtomicLong();
        ScheduledFuture<?> dog = null;
        if (closeOnStall != null) {
            dog = watchdog.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastByte.get() > timeout.toNanos()) {
                    stalled.set(1);
                    try {
                        closeOnStall.close();
                    } catch (IOException ignored) {
                        // closing is all we can do
                    }
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
        byte[] buf = new byte[1 << 16];
        long got = start;
        long t0 = System.nanoTime();
        long lastReport = t0;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                got += n;
                long now = System.nanoTime();
                lastByte.set(now);
                if (progressEveryMillis >= 0 && now - lastReport >= progressEveryMillis * 1_000_000L) {
                    lastReport = now;
                    LOG.info(progressLine(label, got - start, got, total, now - t0));
                }
            }
        } catch (IOException e) {
            if (stalled.get() != 0) {
                throw new LxcatException("no data for " + timeout.toSeconds() + " s while downloading " + label + " (after " + mb(got) + ")");
            }
            throw e;
        } finally {
            if (dog != null) {
                dog.cancel(false);
            }
        }
        if (stalled.get() != 0) {
            throw new LxcatException("no data for " + timeout.toSeconds() + " s while downloading " + label + " (after " + mb(got) + ")");
        }
        long elapsed = System.nanoTime() - t0;
        LOG.info("downloaded " + label + ": " + mb(got) + " in " + String.format(Locale.ROOT, "%.1f", elapsed / 1e9) + " s");
        return got;
    }

    static String progressLine(String label, long doneThisRun, long done, long total, long elapsedNanos) {
        double secs = Math.max(elapsedNanos / 1e9, 1e-3);
        double rate = doneThisRun / secs;
        StringBuilder sb = new StringBuilder("downloading ").append(label).append(": ");
        if (total > 0) {
            sb.append(String.format(Locale.ROOT, "%d%% of %s", Math.min(100, done * 100 / total), mb(total)));
        } else {
            sb.append(mb(done));
        }
        sb.append(String.format(Locale.ROOT, ", %.1f MB/s", rate / 1e6));
        if (total > 0 && rate > 0) {
            long eta = (long) Math.ceil((total - done) / rate);
            sb.append(", ETA ").append(eta >= 60 ? (eta / 60) + "m" + (eta % 60) + "s" : eta + "s");
        }
        return sb.toString();
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static void checkStatus(URI uri, int status) throws LxcatException {
        if (status == 404 || status == 410) {
            throw new NotFound(uri + " not found on the server (HTTP " + status + ")");
        }
        if (status < 200 || status > 299) {
            throw new LxcatException("server answered HTTP " + status + " for " + uri);
        }
    }

    private static LxcatException networkError(URI uri, IOException e) {
        if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
            return new LxcatException("cannot connect to " + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + " for " + uri + ": check IMAGE_SERVER and the network", e);
        }
        if (e instanceof UnknownHostException || e.getCause() instanceof UnknownHostException) {
            return new LxcatException("unknown host " + uri.getHost() + " in " + uri + ": check IMAGE_SERVER and DNS", e);
        }
        if (e instanceof SocketTimeoutException) {
            return new LxcatException("timed out waiting for " + uri, e);
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.log(Level.FINE, "download error", e);
        return new LxcatException("download of " + uri + " failed: " + msg, e);
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(Math.min(5000, 500L * attempt * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
