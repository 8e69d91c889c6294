package org.lxcatastrophe.api.distro;

import java.io.IOException;
import java.util.Optional;

import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;

/**
 * The plugin SPI: support for a distribution family. Register an implementation as an OSGi service (a bundle
 * dropped into {@code deploy/}); the lifecycle picks the adapter with the highest {@link DistroMatch#rank()}.
 */
public interface DistroAdapter {

    /** A short unique name, e.g. {@code debian}. */
    String name();

    /** One line for {@code lxcat:distros}. */
    String description();

    /** Whether this adapter can configure the rootfs, and how well it matches. */
    Optional<DistroMatch> recognise(OsRelease osRelease, RootfsView rootfs) throws IOException;

    /**
     * Writes a static configuration for every interface of {@code plan}, replacing the image's DHCP
     * configuration, and the DNS settings.
     */
    void applyNetwork(NetworkPlan plan, RootfsWriter rootfs) throws IOException;
}
