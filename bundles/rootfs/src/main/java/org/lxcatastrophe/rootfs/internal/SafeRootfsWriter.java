package org.lxcatastrophe.rootfs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.List;

import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.rootfs.RootfsWriter;

/**
 * Writes into a rootfs: paths resolved inside it, owners mapped into the id range, files replaced atomically.
 * A symlink as the last component of a write/delete/symlink is replaced, never written through.
 */
final class SafeRootfsWriter extends SafeRootfsView implements RootfsWriter {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final IdRange ids;

    SafeRootfsWriter(Path root, IdRange ids) {
        super(root);
        this.ids = ids;
    }

    @Override
    public void write(String path, byte[] content, int mode, int uid, int gid) throws IOException {
        Path target = prepareLast(path);
        BasicFileAttributes existing = RootfsPaths.attributes(target);
        if (existing != null && existing.isDirectory()) {
            throw new FileSystemException(path, null, "is a directory in the rootfs; refusing to replace it with a file");
        }
        long hostUid = map(uid, path);
        long hostGid = map(gid, path);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".lxcat-" + Long.toHexString(RANDOM.nextLong()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Owners.chown(tmp, hostUid, hostGid);
            Owners.chmod(tmp, mode);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void mkdirs(String path, int mode, int uid, int gid) throws IOException {
        long hostUid = map(uid, path);
        long hostGid = map(gid, path);
        Path root = realRoot();
        List<String> parts = RootfsPaths.components(path);
        String sofar = "";
        for (int i = 0; i < parts.size(); i++) {
            sofar = sofar + "/" + parts.get(i);
            Path p = RootfsPaths.resolve(root, sofar, true);
            BasicFileAttributes a = RootfsPaths.attributes(p);
            boolean last = i == parts.size() - 1;
            if (a == null) {
                createMissing(root, p, hostUid, hostGid, mode);
            } else if (!a.isDirectory()) {
                throw new FileSystemException(sofar, null, "exists in the rootfs and is not a directory");
            } else if (last) {
                Owners.chown(p, hostUid, hostGid);
                Owners.chmod(p, mode);
            }
        }
    }

    @Override
    public void delete(String path) throws IOException {
        Path target = RootfsPaths.resolve(realRoot(), path, false);
        BasicFileAttributes a = RootfsPaths.attributes(target);
        if (a == null) {
            return;
        }
        if (a.isDirectory()) {
            throw new FileSystemException(path, null, "is a directory; delete removes files and symlinks only");
        }
        Files.deleteIfExists(target);
    }

    @Override
    public void symlink(String path, String target) throws IOException {
        Path link = prepareLast(path);
        BasicFileAttributes existing = RootfsPaths.attributes(link);
        if (existing != null) {
            if (existing.isDirectory()) {
                throw new FileSystemException(path, null, "is a directory in the rootfs; refusing to replace it with a symlink");
            }
            Files.delete(link);
        }
        try {
            Files.createSymbolicLink(link, Path.of(target));
        } catch (FileAlreadyExistsException e) {
            throw new FileSystemException(path, null, "appeared while it was being replaced");
        }
        Owners.lchown(link, map(0, path), map(0, path));
    }

    /** Creates {@code p} and its missing ancestors (plain names below a real directory of the rootfs). */
    private static void createMissing(Path root, Path p, long uid, long gid, int mode) throws IOException {
        java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
        Path q = p;
        while (!q.equals(root) && RootfsPaths.attributes(q) == null) {
            missing.push(q);
            q = q.getParent();
        }
        BasicFileAttributes qa = RootfsPaths.attributes(q);
        if (qa == null || !qa.isDirectory()) {
            throw new FileSystemException(RootfsPaths.containerPath(root, q), null, "is not a directory in the rootfs");
        }
        while (!missing.isEmpty()) {
            Path d = missing.pop();
            Files.createDirectory(d);
            Owners.chown(d, uid, gid);
            Owners.chmod(d, mode);
        }
    }

    /** Resolves the parent (following symlinks inside the rootfs), creating it if missing; not the last component. */
    private Path prepareLast(String path) throws IOException {
        List<String> parts = RootfsPaths.components(path);
        if (parts.isEmpty()) {
            throw new FileSystemException(path, null, "is the rootfs itself");
        }
        String name = parts.get(parts.size() - 1);
        if (name.equals("..")) {
            throw new FileSystemException(path, null, "ends in ..");
        }
        String parent = "/" + String.join("/", parts.subList(0, parts.size() - 1));
        Path dir = RootfsPaths.resolve(realRoot(), parent, true);
        BasicFileAttributes da = RootfsPaths.attributes(dir);
        if (da == null) {
            mkdirs(parent, 0755, 0, 0);
            dir = RootfsPaths.resolve(realRoot(), parent, true);
        } else if (!da.isDirectory()) {
            throw new FileSystemException(path, null, parent + " is not a directory in the rootfs");
        }
        Path target = dir.resolve(name);
        if (!target.startsWith(realRoot()) || target.equals(realRoot())) {
            throw new FileSystemException(path, null, "resolves outside the rootfs");
        }
        return target;
    }

    private long map(int id, String path) throws IOException {
        try {
            return ids.toHost(id);
        } catch (IllegalArgumentException e) {
            throw new FileSystemException(path, null, e.getMessage());
        }
    }
}
