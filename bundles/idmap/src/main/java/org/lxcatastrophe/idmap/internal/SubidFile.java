package org.lxcatastrophe.idmap.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One of {@code /etc/subuid} or {@code /etc/subgid}: {@code owner:start:count} lines. Lines the runtime does not
 * understand (comments, other formats) are kept verbatim; a change only ever appends a line, written atomically.
 */
final class SubidFile {

    /** One {@code owner:start:count} entry. */
    record Entry(String owner, long start, long count) {
        long end() {
            return start + count;
        }

        boolean overlaps(long base, long size) {
            return start < base + size && base < end();
        }

        boolean covers(long base, long size) {
            return start <= base && base + size <= end();
        }
    }

    private final Path path;
    private final String text;
    private final List<Entry> entries;

    private SubidFile(Path path, String text, List<Entry> entries) {
        this.path = path;
        this.text = text;
        this.entries = entries;
    }

    static SubidFile read(Path path) throws IOException {
        String text = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split(":");
            if (f.length != 3) {
                continue;
            }
            try {
                long start = Long.parseLong(f[1].trim());
                long count = Long.parseLong(f[2].trim());
                if (start >= 0 && count > 0) {
                    entries.add(new Entry(f[0].trim(), start, count));
                }
            } catch (NumberFormatException e) {
                // not an entry we understand: kept verbatim, ignored for allocation
            }
        }
        return new SubidFile(path, text, List.copyOf(entries));
    }

    Path path() {
        return path;
    }

    List<Entry> entries() {
        return entries;
    }

    /** Whether {@code owner} (by name or uid {@code 0} for root) already holds the whole range. */
    boolean grants(String owner, String ownerId, long base, long size) {
        return entries.stream().anyMatch(e -> (e.owner().equals(owner) || e.owner().equals(ownerId)) && e.covers(base, size));
    }

    /** The entries of other owners that overlap the range. */
    List<Entry> conflicts(String owner, String ownerId, long base, long size) {
        return entries.stream()
                .filter(e -> !e.owner().equals(owner) && !e.owner().equals(ownerId))
                .filter(e -> e.overlaps(base, size))
                .toList();
    }

    /** Appends {@code owner:base:size} atomically (temp file in the same directory, then rename). */
    SubidFile append(String owner, long base, long size) throws IOException {
        StringBuilder b = new StringBuilder(text);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            b.append('\n');
        }
        b.append(owner).append(':').append(base).append(':').append(size).append('\n');
        String newText = b.toString();
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, newText, StandardCharsets.UTF_8);
            copyAttributes(path, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return read(path);
    }

    private static void copyAttributes(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        if (Files.exists(from)) {
            PosixFileAttributes a = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            view.setPermissions(a.permissions());
            try {
                view.setOwner(a.owner());
                view.setGroup(a.group());
            } catch (IOException e) {
                // not root (unit tests): keep our own ownership
            }
        } else {
            view.setPermissions(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
