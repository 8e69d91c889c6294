package org.lxcatastrophe.itests.sampleplugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;

import org.lxcatastrophe.api.distro.DistroAdapter;
import org.lxcatastrophe.api.distro.DistroMatch;
import org.lxcatastrophe.api.distro.OsRelease;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * A distro adapter for the made-up distribution {@code lxcat-sample}: recognises only that os-release ID and writes
 * one file listing the interfaces. Its description comes from {@code sample-adapter.properties}, so a changed build
 * is visible in {@code lxcat:distros}.
 */
@Component(service = DistroAdapter.class)
public class SampleAdapter implements DistroAdapter {

    static final String ID = "lxcat-sample";

    private String description = "Sample distro plugin (itests)";

    @Activate
    void activate() throws IOException {
        try (InputStream in = SampleAdapter.class.getResourceAsStream("/sample-adapter.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                description = p.getProperty("description", description);
            }
        }
    }

    @Override
    public String name() {
        return "sample";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Optional<DistroMatch> recognise(OsRelease osRelease, RootfsView rootfs) {
        return osRelease.is(ID) ? Optional.of(new DistroMatch(100, "os-release ID " + ID)) : Optional.empty();
    }

    @Override
    public void applyNetwork(NetworkPlan plan, RootfsWriter rootfs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (InterfacePlan i : plan.interfaces()) {
            sb.append(i.name()).append(' ').append(i.mac()).append('\n');
        }
        rootfs.mkdirs("/etc", 0755, 0, 0);
        rootfs.write("/etc/lxcat-sample-network", sb.toString().getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
    }
}
