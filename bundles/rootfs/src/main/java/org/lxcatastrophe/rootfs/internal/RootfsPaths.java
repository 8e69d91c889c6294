package org.lxcatastrophe.rootfs.internal;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves container paths to host paths inside a rootfs, the way the kernel would inside a chroot: absolute
 * symlink targets start again at the rootfs, {@code ..} never climbs above it. Every intermediate component of
 * the result is a real directory inside the rootfs (or does not exist yet).
 */
final class RootfsPaths {
    /** Like the kernel's limit on symlinks followed in one lookup. */
    static final int MAX_LINKS = 40;

    private RootfsPaths() {
    }

    /**
     * @param root       the rootfs directory (real path, no symlinks)
     * @param path       a container path; relative paths are taken from {@code /}
     * @param followLast whether a symlink as the last component is followed (false: the link itself is returned)
     */
    static Path resolve(Path root, String path, boolean followLast) throws IOException {
        if (path.indexOf('\0') >= 0) {
            throw new IOException("container path contains a NUL byte: " + path.replace('\0', '?'));
        }
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path candidate = join(root, done).resolve(name);
            boolean last = todo.isEmpty();
            BasicFileAttributes attrs = attributes(candidate);
            if (attrs == null) {
                // missing: the rest cannot be symlinks either, but ".." must still not climb out
                done.add(name);
                continue;
            }
            if (attrs.isSymbolicLink() && (!last || followLast)) {
                if (++links > MAX_LINKS) {
                    throw new FileSystemException(path, null, "too many levels of symbolic links inside the rootfs");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                continue;
            }
            if (!last && !attrs.isDirectory()) {
                throw new NotDirectoryException(path + " (" + "/" + String.join("/", done) + "/" + name + " is not a directory)");
            }
            done.add(name);
        }
        Path result = join(root, done);
        if (!result.startsWith(root)) {
            throw new IOException("container path " + path + " resolves outside the rootfs");
        }
        return result;
    }

    /** The container path of a host path inside the rootfs ({@code /} for the rootfs itself). */
    static String containerPath(Path root, Path host) {
        return "/" + root.relativize(host).toString();
    }

    static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.add(part);
            }
        }
        return out;
    }

    private static Path join(Path root, List<String> names) {
        Path p = root;
        for (String n : names) {
            p = p.resolve(n);
        }
        return p;
    }

    static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }
}
