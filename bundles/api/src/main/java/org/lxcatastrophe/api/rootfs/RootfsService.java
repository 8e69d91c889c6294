package org.lxcatastrophe.api.rootfs;

import java.nio.file.Path;

import org.lxcatastrophe.api.idmap.IdRange;

/** Opens container rootfs directories for safe reading and writing. */
public interface RootfsService {

    /** A view for recognising a rootfs; writes are not possible through it. */
    RootfsView view(Path rootfs);

    /** A writer that maps container ids into {@code ids}. */
    RootfsWriter writer(Path rootfs, IdRange ids);
}
