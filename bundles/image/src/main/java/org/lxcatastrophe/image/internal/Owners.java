package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Ownership and full mode bits (setuid/setgid/sticky), never following symlinks. */
final class Owners {
    /** This process's umask (from /proc/self/status; 077, the strictest, when it cannot be read). */
    static final int UMASK = umask();

    private Owners() {
    }

    private static int umask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return 077;
    }

    /**
     * The permissions to create a regular file with so that it needs no chmod afterwards, or null when it does: the
     * mode has setuid/setgid/sticky bits (chmod after chown) or bits the umask would take away.
     */
    static FileAttribute<?> createMode(int mode) {
        if ((mode & 07000) != 0 || (mode & 0777 & UMASK) != 0) {
            return null;
        }
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                perms.add(bits[i]);
            }
        }
        return PosixFilePermissions.asFileAttribute(perms);
    }

    static void chown(Path p, long uid, long gid) throws IOException {
        Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** After chown: chown clears setuid/setgid. */
    static void chmod(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
    }
}
