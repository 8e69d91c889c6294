package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.ImageRef;

/**
 * The download cache: {@code <cache>/<dist>/<release>/<arch>/<variant>/} holds {@code rootfs.tar.xz}, the metadata
 * tarball, {@code build_id} and {@code expiry}. An entry is trusted only when it has {@code build_id}, which is
 * written into a staging directory after every check passed, and the staging directory is renamed into place.
 * A lock file per entry keeps two processes sharing the cache volume apart.
 */
final class ImageCache {
    static final String BUILD_ID = "build_id";
    static final String EXPIRY = "expiry";
    static final String PROTOCOL = "protocol";
    static final String ROOTFS = "rootfs.tar.xz";
    static final List<String> META_NAMES = List.of("meta.tar.xz", "incus.tar.xz", "lxd.tar.xz");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~-]*");
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;

    ImageCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    static void checkName(String what, String key, String value) throws LxcatException {
        if (value == null || !NAME.matcher(value).matches() || value.contains("..")) {
            throw new org.lxcatastrophe.api.ConfigurationException(key, key + " (" + key.toUpperCase().replace('.', '_') + ") '"
                    + value + "' is not a valid " + what + " name: use letters, digits, '.', '_', '-' (e.g. debian, bookworm, amd64, default)");
        }
    }

    Path entry(ImageRef ref) {
        return root.resolve(ref.dist()).resolve(ref.release()).resolve(ref.arch()).resolve(ref.variant());
    }

    /** Holds the entry's lock (in this JVM and across processes) until closed. */
    final class Lock implements AutoCloseable {
        private final ReentrantLock jvm;
        private final FileChannel channel;
        private final FileLock lock;

        Lock(ImageRef ref) throws LxcatException {
            Path entry = entry(ref);
            Path file = entry.resolveSibling("." + ref.variant() + ".lock");
            try {
                Files.createDirectories(entry.getParent());
            } catch (IOException e) {
                throw new LxcatException("cannot create the image cache " + entry.getParent() + " (image.cache / IMAGE_CACHE): " + e.getMessage(), e);
            }
            jvm = JVM_LOCKS.computeIfAbsent(file, k -> new ReentrantLock());
            jvm.lock();
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l = channel.tryLock();
                if (l == null) {
                    java.util.logging.Logger.getLogger(ImageCache.class.getName())
                            .info("waiting for another process using the image cache entry " + entry);
                    l = channel.lock();
                }
                lock = l;
            } catch (IOException e) {
                jvm.unlock();
                throw new LxcatException("cannot lock the image cache entry " + entry + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel
            } finally {
                jvm.unlock();
            }
        }
    }

    Lock lock(ImageRef ref) throws LxcatException {
        return new Lock(ref);
    }

    /** The trusted entry for {@code ref}, if any. */
    Optional<CachedImage> read(ImageRef ref) {
        Path dir = entry(ref);
        try {
            String build = Files.readString(dir.resolve(BUILD_ID), StandardCharsets.UTF_8).trim();
            if (build.isEmpty() || !Files.isRegularFile(dir.resolve(ROOTFS)) || metaFile(dir).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new CachedImage(ref, build, dir, dir.resolve(ROOTFS), readExpiry(dir), false));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Path> metaFile(Path dir) {
        for (String n : META_NAMES) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return Optional.of(dir.resolve(n));
            }
        }
        return Optional.empty();
    }

    private static Instant readExpiry(Path dir) {
        try {
            String s = Files.readString(dir.resolve(EXPIRY), StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? null : Instant.ofEpochSecond(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Every trusted entry. */
    List<CachedImage> all() throws IOException {
        List<CachedImage> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        for (Path d : children(root)) {
            for (Path r : children(d)) {
                for (Path a : children(r)) {
                    for (Path v : children(a)) {
                        read(new ImageRef(d.getFileName().toString(), r.getFileName().toString(), a.getFileName().toString(),
                                v.getFileName().toString())).ifPresent(out::add);
                    }
                }
            }
        }
        return out;
    }

    private static List<Path> children(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The staging directory for a build: kept between runs so an interrupted download resumes; wiped when it
     * belongs to another build.
     */
    Path staging(ImageRef ref, String buildId) throws IOException {
        Path dir = entry(ref).resolveSibling("." + ref.variant() + ".partial");
        Path marker = dir.resolve(".for_build");
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            String was = Files.exists(marker) ? Files.readString(marker, StandardCharsets.UTF_8).trim() : "";
            if (!was.equals(buildId)) {
                deleteTree(dir);
            }
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(BUILD_ID));
        writeAtomic(marker, buildId);
        return dir;
    }

    /** Moves a complete, verified staging directory into place, replacing the previous entry. */
    CachedImage commit(ImageRef ref, Path staging, String buildId, String protocol, Instant expiry) throws IOException {
        Files.deleteIfExists(staging.resolve(".for_build"));
        writeAtomic(staging.resolve(PROTOCOL), protocol);
        if (expiry != null) {
            writeAtomic(staging.resolve(EXPIRY), Long.toString(expiry.getEpochSecond()));
        }
        writeAtomic(staging.resolve(BUILD_ID), buildId);
        fsyncDir(staging);
        Path entry = entry(ref);
        if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
            Path old = entry.resolveSibling("." + ref.variant() + ".old");
            deleteTree(old);
            Files.move(entry, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } else {
            Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
        }
        fsyncDir(entry.getParent());
        return new CachedImage(ref, buildId, entry, entry.resolve(ROOTFS), expiry, true);
    }

    /** Drops the entry (and any staging leftovers). */
    void flush(ImageRef ref) throws IOException {
        Path entry = entry(ref);
        if (Files.exists(entry.resolve(BUILD_ID))) {
            // untrust first, so a crash in the middle of deleting leaves nothing trusted
            Files.delete(entry.resolve(BUILD_ID));
        }
        deleteTree(entry);
        deleteTree(entry.resolveSibling("." + ref.variant() + ".partial"));
        deleteTree(entry.resolveSibling("." + ref.variant() + ".old"));
    }

    static void writeAtomic(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap((content + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every file system syncs directories
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                try {
                    Files.delete(d);
                } catch (NoSuchFileException ignored) {
                    // gone already
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
