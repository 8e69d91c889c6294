package org.lxcatastrophe.api.distro;

import java.util.List;

import org.lxcatastrophe.api.network.NetworkPlan;

/**
 * The shared renderers for every {@link NetworkFormat}, so that a distro adapter only chooses formats, paths,
 * services and quirks. Available as an OSGi service.
 */
public interface NetworkRenderer {

    /** The files {@code format} needs for {@code plan}, at the format's standard paths. */
    List<RenderedFile> render(NetworkFormat format, NetworkPlan plan);
}
