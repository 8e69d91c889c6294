package org.lxcatastrophe.image.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Builds small synthetic tar archives (and .tar.xz files) with commons-compress for the extraction tests. */
final class Tars {
    /** Sub-second: commons-compress writes pax times to 100 ns (GNU tar archives carry full nanoseconds, see the real-image test). */
    static final Instant T0 = Instant.parse("2024-03-01T12:34:56.1234567Z");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream out;

    Tars() {
        out = new TarArchiveOutputStream(bytes, "UTF-8");
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        out.setAddPaxHeadersForNonAsciiNames(true);
    }

    private static TarArchiveEntry owned(TarArchiveEntry e, int mode, int uid, int gid) {
        e.setMode(mode);
        e.setUserId(uid);
        e.setGroupId(gid);
        e.setLastModifiedTime(FileTime.from(T0));
        return e;
    }

    Tars dir(String name) throws IOException {
        return dir(name, 0755, 0, 0);
    }

    Tars dir(String name, int mode, int uid, int gid) throws IOException {
        TarArchiveEntry e = owned(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true), mode, uid, gid);
        return add(e, null);
    }

    Tars file(String name, String content) throws IOException {
        return file(name, content, 0644, 0, 0);
    }

    Tars file(String name, String content, int mode, int uid, int gid) throws IOException {
        TarArchiveEntry e = owned(new TarArchiveEntry(name, TarConstants.LF_NORMAL, true), mode, uid, gid);
        return add(e, content.getBytes(StandardCharsets.UTF_8));
    }

    Tars symlink(String name, String target) throws IOException {
        TarArchiveEntry e = owned(new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true), 0777, 0, 0);
        e.setLinkName(target);
        return add(e, null);
    }

    Tars hardlink(String name, String target) throws IOException {
        TarArchiveEntry e = owned(new TarArchiveEntry(name, TarConstants.LF_LINK, true), 0644, 0, 0);
        e.setLinkName(target);
        return add(e, null);
    }

    Tars device(String name, byte type, int major, int minor) throws IOException {
        TarArchiveEntry e = owned(new TarArchiveEntry(name, type, true), 0666, 0, 0);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return add(e, null);
    }

    /** Adds any entry; {@code content} for regular files. */
    Tars add(TarArchiveEntry e, byte[] content) throws IOException {
        if (content != null) {
            e.setSize(content.length);
        }
        out.putArchiveEntry(e);
        if (content != null) {
            out.write(content);
        }
        out.closeArchiveEntry();
        return this;
    }

    byte[] tar() throws IOException {
        out.finish();
        return bytes.toByteArray();
    }

    static void xz(byte[] data, Path file) throws IOException {
        try (OutputStream o = new XZOutputStream(Files.newOutputStream(file), new LZMA2Options(1))) {
            o.write(data);
        }
    }

    Path xz(Path file) throws IOException {
        xz(tar(), file);
        return file;
    }
}
