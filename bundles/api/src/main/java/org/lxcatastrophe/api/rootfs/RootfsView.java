package org.lxcatastrophe.api.rootfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Read access to a container rootfs. Paths are container paths ({@code /etc/os-release}); symlinks are
 * resolved inside the rootfs, never outside it.
 */
public interface RootfsView {

    /** The rootfs directory on the host. */
    Path root();

    /** The text of a file, if it exists and is a regular file. */
    Optional<String> read(String path) throws IOException;

    boolean exists(String path) throws IOException;

    boolean isDirectory(String path) throws IOException;

    /** The names in a directory (empty if it does not exist). */
    List<String> list(String path) throws IOException;
}
