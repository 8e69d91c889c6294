package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;

/**
 * Extended attributes outside the {@code user.} namespace (security.capability, trusted.*) cannot be set from Java;
 * they are set with {@code setfattr} (Debian package {@code attr}) when it is installed, else skipped with a warning.
 */
final class Xattrs {
    private static final Logger LOG = Logger.getLogger(Xattrs.class.getName());

    private Xattrs() {
    }

    static void set(List<String[]> items) throws LxcatException {
        for (String[] it : items) {
            ProcessBuilder pb = new ProcessBuilder("setfattr", "-h", "-n", it[1], "-v", it[2], "--", it[0]).redirectErrorStream(true);
            try {
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new LxcatException("setfattr timed out setting " + it[1] + " on " + it[0]);
                }
                if (p.exitValue() != 0) {
                    throw new LxcatException("cannot set extended attribute " + it[1] + " on " + it[0] + ": " + out);
                }
            } catch (IOException e) {
                LOG.warning(items.size() + " extended attributes (" + it[1] + " ...) were not restored: install setfattr (Debian package attr)");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LxcatException("interrupted while setting extended attributes");
            }
        }
    }
}
