package org.lxcatastrophe.image.internal;

import java.util.List;

import org.lxcatastrophe.api.image.ImageBuild;

/** A build and the files to fetch for it (rootfs first, then the metadata). */
record ResolvedBuild(ImageBuild build, RemoteFile rootfs, RemoteFile meta, List<String> extraFiles) {
}
