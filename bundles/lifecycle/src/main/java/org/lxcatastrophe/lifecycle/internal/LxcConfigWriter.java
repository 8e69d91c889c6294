package org.lxcatastrophe.lifecycle.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;

/**
 * Renders the container's LXC config: the image's own lines ({@code lxc.include}, {@code lxc.arch}, ...) followed by
 * our sections (id mapping, rootfs, identity, network, mounts, security, console and log) and the user's extra lines
 * last, so that they win.
 */
public final class LxcConfigWriter {

    /** Where LXC keeps the distribution configs the images include ({@code LXC_TEMPLATE_CONFIG}). */
    static final Path TEMPLATE_CONFIG = Path.of("/usr/share/lxc/config");

    private static final Pattern LINE = Pattern.compile("lxc\\.[a-z0-9_-]+(\\.[a-z0-9_-]+)*\\s*=.*");
    /** Keys we set ourselves: an image's value would clash (list keys accumulate) or be overridden anyway. */
    private static final Set<String> OURS = Set.of("lxc.idmap", "lxc.rootfs.path", "lxc.uts.name", "lxc.console.logfile",
            "lxc.log.file", "lxc.console.path");

    /** Everything the config depends on. */
    public record Input(List<String> imageLines, List<String> idmapLines, Path rootfs, String utsName,
            List<String> networkLines, boolean sysReadOnly, boolean apparmorUsable, Path consoleLog, Path lxcLog,
            List<String> extraLines) {
    }

    private final Path templateConfig;

    public LxcConfigWriter() {
        this(TEMPLATE_CONFIG);
    }

    LxcConfigWriter(Path templateConfig) {
        this.templateConfig = templateConfig;
    }

    /** Parses {@code lxc.config.extra}: lines separated by newlines or {@code ;}, each {@code lxc.key = value}. */
    public static List<String> parseExtra(String value) throws ConfigurationException {
        List<String> lines = new ArrayList<>();
        if (value == null) {
            return lines;
        }
        for (String raw : value.split("[\n;]")) {
            String l = raw.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (!LINE.matcher(l).matches()) {
                throw new ConfigurationException("lxc.config.extra", "lxc.config.extra (LXC_CONFIG_EXTRA) has '" + l
                        + "', which is not an LXC setting: write 'lxc.key = value' lines separated by newlines or ';'");
            }
            lines.add(l);
        }
        return lines;
    }

    public String render(Input in) throws LxcatException {
        StringBuilder b = new StringBuilder();
        b.append("# Written by lxcatastrophe on every start; put your own lines in lxc.config.extra (LXC_CONFIG_EXTRA).\n");
        b.append("\n# --- image\n");
        int n = 0;
        for (String raw : in.imageLines()) {
            n++;
            String l = raw.trim().replace("LXC_TEMPLATE_CONFIG", templateConfig.toString());
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (!LINE.matcher(l).matches()) {
                throw new LxcatException("the image's LXC config is invalid at line " + n + " ('" + l
                        + "'): expected 'lxc.key = value'; use another image or build");
            }
            String key = l.substring(0, l.indexOf('=')).trim();
            if (OURS.contains(key) || key.startsWith("lxc.net.")) {
                continue;
            }
            if (key.equals("lxc.include")) {
                Path target = Path.of(l.substring(l.indexOf('=') + 1).trim());
                if (!Files.exists(target)) {
                    throw new LxcatException("the image's LXC config includes " + target
                            + ", which does not exist: install the Debian package "
                            + (target.getFileName().toString().matches("(common|userns|nesting|oci\\.common)\\.conf") ? "lxc"
                                    : "lxc-templates (it holds the distributions' LXC configs)")
                            + " (or use an image made for LXC)");
                }
            }
            b.append(l).append('\n');
        }
        b.append("\n# --- id mapping\n");
        in.idmapLines().forEach(l -> b.append(l).append('\n'));
        b.append("\n# --- rootfs\n");
        b.append("lxc.rootfs.path = dir:").append(in.rootfs()).append('\n');
        b.append("\n# --- identity\n");
        b.append("lxc.uts.name = ").append(in.utsName()).append('\n');
        b.append("\n# --- network\n");
        if (in.networkLines().isEmpty()) {
            b.append("lxc.net.0.type = empty\n");
        } else {
            in.networkLines().forEach(l -> b.append(l).append('\n'));
        }
        b.append("\n# --- mounts\n");
        b.append("lxc.mount.auto =\n");
        b.append("lxc.mount.auto = proc:mixed ").append(in.sysReadOnly() ? "sys:ro" : "sys:mixed").append(" cgroup:mixed\n");
        if (!in.apparmorUsable()) {
            b.append("\n# --- security (AppArmor is not usable here)\n");
            b.append("lxc.apparmor.profile = unconfined\n");
            b.append("lxc.apparmor.allow_incomplete = 1\n");
        }
        b.append("\n# --- console and log\n");
        b.append("lxc.console.logfile = ").append(in.consoleLog()).append('\n');
        b.append("lxc.log.file = ").append(in.lxcLog()).append('\n');
        b.append("lxc.log.level = WARN\n");
        if (!in.extraLines().isEmpty()) {
            b.append("\n# --- lxc.config.extra\n");
            in.extraLines().forEach(l -> b.append(l).append('\n'));
        }
        return b.toString();
    }
}
