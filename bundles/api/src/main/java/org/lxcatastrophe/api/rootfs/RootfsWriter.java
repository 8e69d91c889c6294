package org.lxcatastrophe.api.rootfs;

import java.io.IOException;

/**
 * The only way to write into a container rootfs. Paths are container paths; every component is resolved
 * inside the rootfs (an absolute symlink is taken relative to the rootfs, {@code ..} never climbs above it), so
 * no write ever lands outside. Owners are container ids: the writer maps them to host ids.
 */
public interface RootfsWriter extends RootfsView {

    /** Atomically writes a file (temp file + rename) with the given mode and container owner. */
    void write(String path, byte[] content, int mode, int uid, int gid) throws IOException;

    /** Creates missing directories (mode, owner apply to the ones created and to the last one). */
    void mkdirs(String path, int mode, int uid, int gid) throws IOException;

    /** Removes a file or symlink (not a directory); no-op if missing. */
    void delete(String path) throws IOException;

    /** Creates or replaces a symlink at {@code path} pointing to {@code target} (stored verbatim). */
    void symlink(String path, String target) throws IOException;
}
