package org.lxcatastrophe.image.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Decompression that overlaps with the writer: a multi-block .xz file (what {@code xz -T} writes) is decoded block by
 * block on several threads, a single-block one is decoded on one background thread; either way the caller reads the
 * tar stream while the next data is being decoded. Memory is bounded by a small window of decoded blocks/chunks.
 */
final class XzStreams {
    /** Blocks larger than this are streamed instead of decoded whole (bounds the heap). */
    static final long MAX_PARALLEL_BLOCK = 64L << 20;

    private XzStreams() {
    }

    /** System property: {@code java} decodes with XZ for Java only, even when the xz program is installed. */
    static final String DECODER_PROPERTY = "lxcatastrophe.image.xz";

    /**
     * A small .xz file (an image's metadata) decoded on the calling thread's terms: by the xz program when installed,
     * so that XZ for Java's classes and its dictionary-sized buffer (8 MiB and more for a file xz compressed from a
     * pipe) are never loaded on that path; else by XZ for Java. The caller reads to the end for the integrity check.
     */
    static InputStream openSmall(Path file) throws IOException {
        Path xz = decoder();
        return xz != null ? new NativeXz(xz, file, 1) : new XZInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    private static Path decoder() {
        return "java".equals(System.getProperty(DECODER_PROPERTY)) ? null : nativeXz();
    }

    static InputStream open(Path file, int threads) throws IOException {
        Path xz = decoder();
        if (xz != null) {
            return new NativeXz(xz, file, threads);
        }
        if (threads > 1) {
            try (SeekableXZInputStream probe = new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()))) {
                int blocks = probe.getBlockCount();
                long largest = 0;
                for (int i = 0; i < blocks; i++) {
                    largest = Math.max(largest, probe.getBlockSize(i));
                }
                if (blocks > 1 && largest <= MAX_PARALLEL_BLOCK) {
                    return new ParallelBlocks(file, blocks, threads);
                }
            }
        }
        return new Pumped(new XZInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16)));
    }

    private static ExecutorService pool(int n, String name) {
        return Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Decodes blocks on a pool, in order, with at most {@code threads + 1} decoded blocks in memory. */
    static final class ParallelBlocks extends InputStream {
        private final Path file;
        private final int blocks;
        private final ExecutorService pool;
        private final ArrayDeque<Future<byte[]>> window = new ArrayDeque<>();
        private final int windowSize;
        private final List<SeekableXZInputStream> opened = new ArrayList<>();
        private final ThreadLocal<SeekableXZInputStream> perThread = new ThreadLocal<>();
        private int nextBlock;
        private byte[] buf = new byte[0];
        private int pos;
        private boolean closed;

        ParallelBlocks(Path file, int blocks, int threads) {
            this.file = file;
            this.blocks = blocks;
            this.pool = pool(threads, "lxcat-xz");
            this.windowSize = threads + 1;
            fill();
        }

        private void fill() {
            while (window.size() < windowSize && nextBlock < blocks) {
                int b = nextBlock++;
                window.add(pool.submit(() -> decode(b)));
            }
        }

        private byte[] decode(int block) throws IOException {
            SeekableXZInputStream in = perThread.get();
            if (in == null) {
                in = new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()));
                synchronized (opened) {
                    opened.add(in);
                }
                perThread.set(in);
            }
            in.seekToBlock(block);
            long size = in.getBlockSize(block);
            byte[] out = new byte[(int) size];
            int off = 0;
            while (off < out.length) {
                int n = in.read(out, off, out.length - off);
                if (n < 0) {
                    throw new IOException("xz block " + block + " ends early: the file is truncated or corrupt");
                }
                off += n;
            }
            // one more read crosses the block end, so the block's integrity check is verified
            // (XZ for Java answers 0 bytes once at the end of the stream before -1, so read until it says something)
            byte[] probe = new byte[1];
            int extra = 0;
            for (int i = 0; i < 8 && extra == 0; i++) {
                extra = in.read(probe, 0, 1);
            }
            if (extra > 0 && block == blocks - 1) {
                throw new IOException("xz data continues after the last block: the file is corrupt");
            }
            return out;
        }

        private boolean next() throws IOException {
            if (pos < buf.length) {
                return true;
            }
            while (!window.isEmpty()) {
                Future<byte[]> f = window.poll();
                try {
                    buf = f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while decompressing");
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof IOException ? (IOException) c : new IOException(String.valueOf(c.getMessage()), c);
                }
                pos = 0;
                fill();
                if (buf.length > 0) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int read() throws IOException {
            if (!next()) {
                return -1;
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!next()) {
                return -1;
            }
            int n = Math.min(len, buf.length - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            for (Future<byte[]> f : window) {
                f.cancel(true);
            }
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (opened) {
                for (SeekableXZInputStream s : opened) {
                    s.close();
                }
            }
        }
    }

    /** Reads a stream (a decoder) on a background thread into a few recycled buffers the reader takes in turn. */
    static final class Pumped extends InputStream {
        /** Buffers in flight between the two threads: bounded memory, and no garbage per chunk. */
        static final int BUFFERS = 6;
        static final int BUFFER_SIZE = 512 << 10;
        private static final Chunk EOF = new Chunk(new byte[0], 0);

        private record Chunk(byte[] data, int length) {
        }

        private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
        private final BlockingQueue<Object> full = new ArrayBlockingQueue<>(BUFFERS + 1);
        private final Thread thread;
        private final InputStream source;
        private Chunk current;
        private int pos;
        private boolean eof;
        private IOException failure; // once reported, every later read reports it again
        private volatile boolean closed;

        Pumped(InputStream source) {
            this.source = source;
            for (int i = 0; i < BUFFERS; i++) {
                free.add(new byte[BUFFER_SIZE]);
            }
            thread = new Thread(this::run, "lxcat-xz");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (!closed) {
                    byte[] chunk = free.take();
                    int off = 0;
                    int n;
                    while (off < chunk.length && (n = source.read(chunk, off, chunk.length - off)) > 0) {
                        off += n;
                    }
                    if (off > 0) {
                        full.put(new Chunk(chunk, off));
                    }
                    if (off < chunk.length) {
                        full.put(EOF);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                // whatever ends this thread is reported to the reader, which would otherwise wait forever
                try {
                    full.put(e instanceof java.io.EOFException || e.getMessage() == null
                            ? new IOException("the xz data ends early or is corrupt (" + e.getClass().getSimpleName() + ")", e)
                            : e instanceof IOException ? e : new IOException(e.getMessage(), e));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                if (e instanceof Error err) {
                    throw err;
                }
            }
        }

        private boolean next() throws IOException {
            if (closed) {
                throw new IOException("the xz stream is closed");
            }
            if (current != null && pos < current.length()) {
                return true;
            }
            if (failure != null) {
                throw failure;
            }
            if (eof) {
                return false;
            }
            if (current != null) {
                free.add(current.data()); // never full: BUFFERS buffers in all
                current = null;
            }
            Object o;
            try {
                o = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while decompressing");
            }
            if (o instanceof IOException e) {
                failure = e;
                throw e;
            }
            if (o == EOF) {
                eof = true;
                return false;
            }
            current = (Chunk) o;
            pos = 0;
            return true;
        }

        @Override
        public int read() throws IOException {
            return next() ? current.data()[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!next()) {
                return -1;
            }
            int n = Math.min(len, current.length() - pos);
            System.arraycopy(current.data(), pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            thread.interrupt();
            full.clear();
            source.close();
        }
    }

    /** The xz program could not be started: a fault of this host, not of the file being decompressed. */
    static final class DecoderUnavailable extends IOException {
        private static final long serialVersionUID = 1L;

        DecoderUnavailable(Path xz, IOException cause) {
            super("cannot run " + xz + " (" + cause.getMessage() + "): reinstall xz-utils, or decompress with XZ for Java"
                    + " (JAVA_OPTS=-D" + DECODER_PROPERTY + "=java)", cause);
        }
    }

    /** The xz program on the PATH, if any (Debian package xz-utils). */
    static Path nativeXz() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, "xz");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /**
     * Decompression by the xz program (liblzma is several times faster than XZ for Java and decodes the blocks of a
     * multi-threaded .xz file in parallel) in a child process; only decompression is delegated, the archive is still
     * read and written by this bundle. The integrity checks are xz's: a non-zero exit status fails the read at the end.
     */
    static final class NativeXz extends InputStream {
        private final Process process;
        private final InputStream out;
        private final StringBuilder err = new StringBuilder();
        private final Thread errReader;
        private boolean checked;

        NativeXz(Path xz, Path file, int threads) throws IOException {
            try {
                process = new ProcessBuilder(xz.toString(), "-dc", "-T" + Math.max(1, threads), "--", file.toString()).start();
            } catch (IOException e) {
                throw new DecoderUnavailable(xz, e);
            }
            process.getOutputStream().close();
            // the JDK's pipe stream buffers small reads (8 KiB); TarStream's large ones go straight to the pipe (a
            // 1 MiB buffer here copied every byte once more and cost ~0.15 s of CPU per rootfs)
            out = process.getInputStream();
            errReader = new Thread(() -> {
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(process.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (err) {
                            if (err.length() < 2000) {
                                err.append(err.length() == 0 ? "" : "; ").append(line.replaceFirst("^xz: ", ""));
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the process went away
                }
            }, "lxcat-xz-stderr");
            errReader.setDaemon(true);
            errReader.start();
        }

        private int eof() throws IOException {
            if (!checked) {
                checked = true;
                try {
                    if (!process.waitFor(60, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        throw new IOException("xz did not exit after the end of its output");
                    }
                    errReader.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while decompressing");
                }
                if (process.exitValue() != 0) {
                    String m;
                    synchronized (err) {
                        m = err.toString();
                    }
                    throw new IOException("xz -d failed (exit " + process.exitValue() + "): " + (m.isEmpty() ? "the data is corrupt" : m));
                }
            }
            return -1;
        }

        @Override
        public int read() throws IOException {
            int b = out.read();
            return b >= 0 ? b : eof();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = out.read(b, off, len);
            return n >= 0 ? n : eof();
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            out.close();
        }
    }
}
