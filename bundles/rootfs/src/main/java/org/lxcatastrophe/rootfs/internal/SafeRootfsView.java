package org.lxcatastrophe.rootfs.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.lxcatastrophe.api.rootfs.RootfsView;

/** Read access to a rootfs; every path is resolved inside it. */
class SafeRootfsView implements RootfsView {
    private final Path given;
    private Path real;

    SafeRootfsView(Path root) {
        this.given = root.toAbsolutePath().normalize();
    }

    @Override
    public Path root() {
        return given;
    }

    /** The real path of the rootfs (resolved once; fails clearly when the rootfs is missing). */
    protected Path realRoot() throws IOException {
        if (real == null) {
            if (!Files.isDirectory(given)) {
                throw new NoSuchFileException(given.toString(), null, "rootfs directory does not exist");
            }
            real = given.toRealPath();
        }
        return real;
    }

    /** The host path of a container path, symlinks followed inside the rootfs. */
    public Path resolve(String path) throws IOException {
        return RootfsPaths.resolve(realRoot(), path, true);
    }

    @Override
    public Optional<String> read(String path) throws IOException {
        Path p = resolve(path);
        BasicFileAttributes a = RootfsPaths.attributes(p);
        if (a == null || !a.isRegularFile()) {
            return Optional.empty();
        }
        return Optional.of(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
    }

    @Override
    public boolean exists(String path) throws IOException {
        try {
            return RootfsPaths.attributes(resolve(path)) != null;
        } catch (NotDirectoryException e) {
            return false;
        }
    }

    @Override
    public boolean isDirectory(String path) throws IOException {
        try {
            BasicFileAttributes a = RootfsPaths.attributes(resolve(path));
            return a != null && a.isDirectory();
        } catch (NotDirectoryException e) {
            return false;
        }
    }

    @Override
    public List<String> list(String path) throws IOException {
        Path p;
        try {
            p = resolve(path);
        } catch (NotDirectoryException e) {
            return List.of();
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
            for (Path e : ds) {
                names.add(e.getFileName().toString());
            }
        }
        Collections.sort(names);
        return names;
    }
}
