package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.lxcatastrophe.api.LxcatException;

/**
 * The image metadata: LXC {@code meta.tar.xz} (config, config-user, templates, excludes-user, expiry, create-message)
 * or Incus/LXD {@code incus.tar.xz}/{@code lxd.tar.xz} (metadata.yaml with its templates).
 */
final class ImageMetadata {
    private static final long MAX_FILE = 4L << 20;
    private static final long MAX_TOTAL = 32L << 20;

    final boolean lxc;
    final Map<String, byte[]> files;

    private ImageMetadata(boolean lxc, Map<String, byte[]> files) {
        this.lxc = lxc;
        this.files = files;
    }

    static ImageMetadata read(Path tarXz) throws LxcatException {
        boolean lxc = tarXz.getFileName().toString().equals("meta.tar.xz");
        Map<String, byte[]> files = new LinkedHashMap<>();
        long total = 0;
        try (InputStream in = XzStreams.openSmall(tarXz);
             TarArchiveInputStream tin = new TarArchiveInputStream(in, "UTF-8")) {
            TarArchiveEntry e;
            while ((e = tin.getNextEntry()) != null) {
                if (!e.isFile() || e.isSymbolicLink() || e.isLink()) {
                    continue;
                }
                String name = e.getName();
                while (name.startsWith("./")) {
                    name = name.substring(2);
                }
                if (e.getSize() > MAX_FILE || (total += e.getSize()) > MAX_TOTAL) {
                    throw new LxcatException("the image metadata " + tarXz.getFileName() + " has an oversized entry '" + name + "': the image is broken");
                }
                files.put(name, tin.readAllBytes());
            }
            // the tar reader stops at the end-of-archive blocks: the rest of the stream holds the xz integrity check
            in.transferTo(OutputStream.nullOutputStream());
        } catch (XzStreams.DecoderUnavailable e) {
            throw new LxcatException("cannot decompress the image metadata " + tarXz + ": " + e.getMessage(), e);
        } catch (InterruptedIOException e) {
            throw new LxcatException("reading the image metadata " + tarXz + " was interrupted", e);
        } catch (IOException e) {
            throw new LxcatException("cannot read the image metadata " + tarXz + ": " + e.getMessage()
                    + " (the cached file is corrupt: fetch with IMAGE_CACHE_FLUSH=true)", e);
        }
        return new ImageMetadata(lxc, files);
    }

    String text(String name) {
        byte[] b = files.get(name);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private List<String> lines(String name) {
        String t = text(name);
        List<String> out = new ArrayList<>();
        if (t != null) {
            for (String l : t.split("\n")) {
                if (!l.isBlank()) {
                    out.add(l.strip());
                }
            }
        }
        return out;
    }

    /** LXC: {@code config-user} (unprivileged), falling back to {@code config}. */
    List<String> lxcConfig() {
        List<String> user = lines("config-user");
        return user.isEmpty() ? lines("config") : user;
    }

    /** Files of the rootfs to run the LXC_* substitution on. */
    List<String> templates() {
        return lines("templates");
    }

    Set<String> excludes() {
        return new LinkedHashSet<>(lines("excludes-user"));
    }

    String createMessage() {
        String m = text("create-message");
        return m == null ? null : m.strip();
    }

    /** {@code expiry} (LXC, epoch seconds) or {@code expiry_date} (metadata.yaml). */
    Instant expiry() {
        String v = lxc ? text("expiry") : yamlScalar("expiry_date");
        if (v == null) {
            return null;
        }
        try {
            long s = Long.parseLong(v.strip());
            return s > 0 ? Instant.ofEpochSecond(s) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String yamlScalar(String key) {
        String y = text("metadata.yaml");
        if (y == null) {
            return null;
        }
        for (String line : y.split("\n")) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).strip().replaceAll("^['\"]|['\"]$", "");
            }
        }
        return null;
    }

    /**
     * metadata.yaml templates applied on create: container path to template text. Only the plain form
     * distrobuilder writes is understood ({@code templates:} / two-space path key / {@code template:} and {@code when:}).
     */
    Map<String, String> incusTemplates() {
        Map<String, String> out = new LinkedHashMap<>();
        String y = text("metadata.yaml");
        if (y == null) {
            return out;
        }
        boolean inTemplates = false;
        String path = null;
        String template = null;
        boolean create = true;
        for (String line : (y + "\nend:\n").split("\n")) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                if (path != null && template != null && create) {
                    put(out, path, template);
                }
                path = null;
                inTemplates = line.startsWith("templates:");
                continue;
            }
            if (!inTemplates || line.isBlank()) {
                continue;
            }
            String t = line.strip();
            int indent = line.length() - line.stripLeading().length();
            if (indent <= 2 && t.endsWith(":")) {
                if (path != null && template != null && create) {
                    put(out, path, template);
                }
                path = t.substring(0, t.length() - 1).replaceAll("^['\"]|['\"]$", "");
                template = null;
                create = true;
            } else if (t.startsWith("template:")) {
                template = t.substring(9).strip().replaceAll("^['\"]|['\"]$", "");
            } else if (t.startsWith("when:")) {
                create = t.equals("when:") || t.contains("create");
            }
        }
        return out;
    }

    private void put(Map<String, String> out, String path, String template) {
        String body = text("templates/" + template);
        if (body != null) {
            out.put(path, body);
        }
    }
}
