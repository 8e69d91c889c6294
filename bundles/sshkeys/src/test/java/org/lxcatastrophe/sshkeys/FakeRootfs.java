package org.lxcatastrophe.sshkeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lxcatastrophe.api.rootfs.RootfsWriter;

/** A plain directory standing in for a rootfs; records the mode and container owner of everything written. */
final class FakeRootfs implements RootfsWriter {
    record Meta(int mode, int uid, int gid) {
    }

    private final Path root;
    final Map<String, Meta> meta = new HashMap<>();

    FakeRootfs(Path root) {
        this.root = root;
    }

    private Path host(String path) {
        return root.resolve(path.replaceFirst("^/+", ""));
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Optional<String> read(String path) throws IOException {
        Path p = host(path);
        return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(host(path));
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(host(path));
    }

    @Override
    public List<String> list(String path) throws IOException {
        try (var s = Files.list(host(path))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Override
    public void write(String path, byte[] content, int mode, int uid, int gid) throws IOException {
        Files.createDirectories(host(path).getParent());
        Files.write(host(path), content);
        meta.put(path, new Meta(mode, uid, gid));
    }

    @Override
    public void mkdirs(String path, int mode, int uid, int gid) throws IOException {
        Files.createDirectories(host(path));
        meta.put(path, new Meta(mode, uid, gid));
    }

    @Override
    public void delete(String path) throws IOException {
        Files.deleteIfExists(host(path));
    }

    @Override
    public void symlink(String path, String target) throws IOException {
        Files.createSymbolicLink(host(path), Path.of(target));
    }
}
