package org.lxcatastrophe.distro.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.rootfs.RootfsView;
import org.lxcatastrophe.api.rootfs.RootfsWriter;

/**
 * What every distro adapter does with the shared renderers' output: write it through the rootfs writer (owner:
 * the container's root), handle {@code /etc/resolv.conf}, enable systemd units, find the image's own DHCP files.
 * Embedded privately by each distro bundle.
 */
public final class RootfsFiles {
    private static final Logger LOG = Logger.getLogger(RootfsFiles.class.getName());

    private RootfsFiles() {
    }

    /** Writes every file (parents created 0755), owned by the container's root, with the file's mode. */
    public static void writeAll(RootfsWriter writer, List<RenderedFile> files) throws IOException {
        for (RenderedFile f : files) {
            String parent = f.path().substring(0, f.path().lastIndexOf('/'));
            if (!parent.isEmpty() && !writer.isDirectory(parent)) {
                writer.mkdirs(parent, 0755, 0, 0);
            }
            writer.write(f.path(), f.content().getBytes(StandardCharsets.UTF_8), f.mode(), 0, 0);
            LOG.fine(() -> "wrote " + f.path() + " (" + Integer.toOctalString(f.mode()) + ")");
        }
    }

    /** The directory holding the image's systemd units, or null when the image has no systemd. */
    public static String unitDir(RootfsView view, String unit) throws IOException {
        for (String dir : List.of("/usr/lib/systemd/system", "/lib/systemd/system")) {
            if (view.exists(dir + "/" + unit)) {
                return dir;
            }
        }
        return null;
    }

    /** Whether {@code unit} is enabled in {@code target} ({@code /etc/systemd/system/<target>.wants/<unit>}). */
    public static boolean unitEnabled(RootfsView view, String unit, String target) throws IOException {
        return isLink(view, "/etc/systemd/system/" + target + ".wants/" + unit)
                || view.exists("/etc/systemd/system/" + target + ".wants/" + unit);
    }

    /**
     * Enables {@code unit} as {@code systemctl enable} would for {@code WantedBy=target}: a symlink in
     * {@code /etc/systemd/system/<target>.wants/}. Returns false when the image does not ship the unit.
     */
    public static boolean enableUnit(RootfsWriter writer, String unit, String target) throws IOException {
        String dir = unitDir(writer, unit);
        if (dir == null) {
            return false;
        }
        String wants = "/etc/systemd/system/" + target + ".wants";
        if (!writer.isDirectory(wants)) {
            writer.mkdirs(wants, 0755, 0, 0);
        }
        writer.symlink(wants + "/" + unit, dir + "/" + unit);
        return true;
    }

    /** Enables systemd-networkd with its socket and wait-online service, as its [Install] section says. */
    public static void enableNetworkd(RootfsWriter writer) throws IOException {
        if (!enableUnit(writer, "systemd-networkd.service", "multi-user.target")) {
            throw new IOException("the image has no systemd-networkd.service, so its static network configuration"
                    + " would not be applied; use an image with systemd-networkd");
        }
        enableUnit(writer, "systemd-networkd.socket", "sockets.target");
        enableUnit(writer, "systemd-networkd-wait-online.service", "network-online.target");
        String dir = unitDir(writer, "systemd-networkd.service");
        writer.symlink("/etc/systemd/system/dbus-org.freedesktop.network1.service", dir + "/systemd-networkd.service");
    }

    /** Whether {@code path} itself is a symlink (the rootfs's own directories are trusted up to it). */
    public static boolean isLink(RootfsView view, String path) {
        return Files.isSymbolicLink(view.root().resolve(path.substring(1)));
    }

    /**
     * Whether the image resolves names through systemd-resolved: the unit is enabled and {@code /etc/resolv.conf}
     * is its symlink. Then the DNS servers belong in the network files and resolv.conf stays as it is.
     */
    public static boolean resolvedManagesResolvConf(RootfsView view) throws IOException {
        Path link = view.root().resolve("etc/resolv.conf");
        if (!Files.isSymbolicLink(link)) {
            return false;
        }
        String target = Files.readSymbolicLink(link).toString();
        return target.contains("systemd/resolve") && (unitEnabled(view, "systemd-resolved.service", "multi-user.target")
                || unitEnabled(view, "systemd-resolved.service", "sysinit.target"));
    }

    /**
     * Writes {@code /etc/resolv.conf} as a regular file (replacing a symlink, never writing through it) unless
     * systemd-resolved manages it.
     */
    public static void writeResolvConf(RootfsWriter writer, List<RenderedFile> resolvConf, boolean unlessResolved)
            throws IOException {
        if (unlessResolved && resolvedManagesResolvConf(writer)) {
            LOG.fine("/etc/resolv.conf is systemd-resolved's: DNS goes through the network files");
            return;
        }
        writeAll(writer, resolvConf);
    }

    /** Deletes the files in {@code dir} whose name ends with {@code suffix} and which configure one of the plan's interfaces or DHCP. */
    public static void removeConfigsFor(RootfsWriter writer, NetworkPlan plan, String dir, String suffix, List<String> keep)
            throws IOException {
        for (String name : writer.list(dir)) {
            String path = dir + "/" + name;
            if (!name.endsWith(suffix) || keep.contains(path)) {
                continue;
            }
            String text = writer.read(path).orElse("");
            boolean mentions = text.toLowerCase().contains("dhcp");
            for (InterfacePlan i : plan.interfaces()) {
                mentions |= text.contains(i.name());
            }
            if (mentions) {
                writer.delete(path);
                LOG.info("removed the image's " + path + " (it would configure the network a second time)");
            }
        }
    }
}
