package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;

/**
 * Extended attributes outside the {@code user.} namespace (security.capability, POSIX ACLs) cannot be set from Java;
 * they are set in one batch by {@code setfattr --restore} (Debian package {@code attr}) when it is installed, else
 * skipped with one warning.
 */
final class Xattrs {
    private static final Logger LOG = Logger.getLogger(Xattrs.class.getName());

    /** One attribute to set on a path (never following a symlink). */
    record Item(String path, String name, byte[] value) {
    }

    private Xattrs() {
    }

    /** The {@code getfattr --dump} form setfattr restores: octal escapes for anything but printable ASCII. */
    static String dump(List<Item> items) {
        StringBuilder sb = new StringBuilder();
        String last = null;
        for (Item it : items) {
            if (!it.path().equals(last)) {
                if (last != null) {
                    sb.append('\n');
                }
                sb.append("# file: ").append(escape(it.path())).append('\n');
                last = it.path();
            }
            sb.append(escape(it.name())).append("=0x").append(HexFormat.of().formatHex(it.value())).append('\n');
        }
        return sb.append('\n').toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '=') {
                sb.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7))).append((char) ('0' + (c & 7)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static void set(List<Item> items) throws LxcatException {
        if (items.isEmpty()) {
            return;
        }
        Process p;
        try {
            p = new ProcessBuilder("setfattr", "-h", "--restore=-").redirectErrorStream(true).start();
        } catch (IOException e) {
            LOG.warning(items.size() + " extended attributes (" + items.get(0).name() + " of " + items.get(0).path()
                    + " ...) were not restored: install setfattr (Debian package attr)");
            return;
        }
        try {
            try (OutputStream o = p.getOutputStream()) {
                o.write(dump(items).getBytes(StandardCharsets.US_ASCII));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LxcatException("setfattr timed out restoring " + items.size() + " extended attributes");
            }
            if (p.exitValue() != 0) {
                throw new LxcatException("cannot restore the image's extended attributes (setfattr): " + out.lines().findFirst().orElse(""));
            }
        } catch (IOException e) {
            p.destroyForcibly();
            throw new LxcatException("cannot restore the image's extended attributes (setfattr): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LxcatException("interrupted while setting extended attributes");
        }
    }
}
