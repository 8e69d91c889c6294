package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;

/**
 * Unpacks a rootfs tarball into a fresh directory with every uid/gid shifted into an id range, the way
 * {@code tar --numeric-owner --xattrs -xp} inside the container's user namespace would: types (dirs, files, symlinks,
 * hardlinks), full modes (setuid/setgid/sticky), mtimes and extended attributes; device nodes, fifos and excluded
 * entries are skipped.
 *
 * <p>Hostile archives are refused, naming the entry: absolute names, {@code ..}, anything written through a
 * symlink or a file, hard links to anything but an earlier file of the same archive. The target directory is new
 * and private, and every path in it was created by this extraction, so the checks need no file system lookups:
 * symlinks stored in the archive are created verbatim and never followed.
 */
final class TarExtractor {
    private static final Logger LOG = Logger.getLogger(TarExtractor.class.getName());
    private static final byte DIR = 'd';
    private static final byte FILE = 'f';
    private static final byte LINK = 'l';
    /** The tar stream's buffer: file data is written from it directly, in slices of up to this size. */
    private static final int BUFFER = 1 << 18;
    /** How each regular file is opened: made new here, never through a symlink. */
    private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    /** Thrown for an archive that tries to escape or overwrite what it must not. */
    static final class HostileArchive extends LxcatException {
        private static final long serialVersionUID = 1L;

        HostileArchive(String entry, String why) {
            super("refusing the image archive: entry '" + entry + "' " + why + "; the archive is broken or hostile, nothing was installed");
        }
    }

    record Result(long entries, long skipped, long bytes) {
    }

    private final IdRange ids;
    private final Set<String> excludes;
    private final Map<String, Byte> kinds = new HashMap<>();
    private final List<Object[]> dirTimes = new ArrayList<>();
    private final List<Xattrs.Item> otherXattrs = new ArrayList<>();
    private Map<String, byte[]> rawPax;
    private long skippedXattrs;
    private Path root;
    private long entries;
    private long skipped;
    private long bytes;

    /** @param excludes container paths to skip ({@code excludes-user}), e.g. {@code ./dev/null} or {@code /dev/null} */
    TarExtractor(IdRange ids, Set<String> excludes) {
        this.ids = ids;
        this.excludes = new java.util.HashSet<>();
        for (String e : excludes) {
            String n = strip(e);
            if (n != null && !n.isEmpty()) {
                this.excludes.add(n);
            }
        }
    }

    /** Extracts {@code tarXz} into the empty directory {@code target}. */
    Result extractXz(Path tarXz, Path target, int threads) throws LxcatException {
        try (InputStream in = XzStreams.open(tarXz, threads)) {
            return extract(in, target, tarXz.getFileName().toString());
        } catch (LxcatException e) {
            throw e;
        } catch (XzStreams.DecoderUnavailable e) {
            throw new LxcatException("cannot decompress " + tarXz + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new LxcatException("cannot read " + tarXz + ": " + e.getMessage()
                    + " (the cached file is corrupt: fetch with IMAGE_CACHE_FLUSH=true)", e);
        }
    }

    /** Extracts a plain tar stream into the empty directory {@code target}. */
    Result extract(InputStream tar, Path target, String label) throws LxcatException {
        root = target;
        kinds.put("", DIR);
        String current = null;
        try {
            TarStream stream = new TarStream(tar, BUFFER);
            while (true) {
                current = null;   // what goes wrong reading a header is not the previous entry's fault
                TarStream.Header h = stream.next();
                if (h == null) {
                    break;
                }
                current = h.entry().getName();
                rawPax = h.rawPax();
                entries++;
                one(stream, h.entry());
            }
            current = null;
            // the rest (tar padding) is read so that the compression's integrity check at the end is verified
            stream.drain();
            applyDeferred();
        } catch (LxcatException ex) {
            throw ex;
        } catch (TarStream.Corrupt ex) {
            throw new LxcatException("extracting " + label + " failed" + at(current) + ": " + ex.getMessage()
                    + ": the archive is truncated or corrupt (fetch with IMAGE_CACHE_FLUSH=true)", ex.getCause() == null ? ex : ex.getCause());
        } catch (TarStream.Unsupported ex) {
            throw new LxcatException("extracting " + label + " failed: " + ex.getMessage()
                    + ": the image cannot be used as it is (repack it without --sparse)", ex);
        } catch (InterruptedIOException | ClosedByInterruptException ex) {
            // the second: an interrupt while writing a file closes its channel (a shutdown, not a write error)
            throw new LxcatException("extracting " + label + " was interrupted" + at(current), ex);
        } catch (IOException | RuntimeException ex) {
            throw writeError(label, current, ex);
        }
        return new Result(entries, skipped, bytes);
    }

    private static String at(String entry) {
        return entry == null ? "" : " at entry '" + entry + "'";
    }

    /** A failure creating or writing the tree (the archive read fine): name the entry, the cause and what to do. */
    private LxcatException writeError(String label, String entry, Exception ex) {
        String dir = String.valueOf(root.toAbsolutePath().getParent());
        String reason;
        String advice;
        if (ex instanceof InvalidPathException ip) {
            reason = "the name cannot be represented in the file name encoding " + System.getProperty("sun.jnu.encoding")
                    + " (" + ip.getReason() + ")";
            advice = "run with a UTF-8 locale (LC_ALL=C.UTF-8)";
        } else {
            if (ex instanceof FileSystemException fs) {
                reason = (fs.getReason() == null ? ex.getClass().getSimpleName() : fs.getReason()) + " (" + fs.getFile() + ")";
            } else {
                reason = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            }
            advice = reason.contains("No space") || reason.contains("quota")
                    ? "free some disk space"
                    : "check that the container directory " + dir + " is on a writable file system that accepts this entry"
                    + " (the archive itself read fine)";
        }
        return new LxcatException("extracting " + label + " failed" + at(entry) + ": cannot write it below " + dir + ": "
                + reason + ": " + advice, ex);
    }

    /** "./a/b/" to "a/b"; null for an absolute name or one with "..". */
    private static String strip(String name) {
        if (name.startsWith("/")) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                return null;
            }
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    /** The relative name of {@code value} (the entry's name or its hard link target); the error names the entry. */
    private String safeName(String entry, String value, String what) throws HostileArchive {
        if (value.indexOf('\0') >= 0) {
            throw new HostileArchive(entry.replace('\0', '?'), "has a NUL byte in its " + what);
        }
        if (value.startsWith("/")) {
            throw new HostileArchive(entry, "has an absolute " + what);
        }
        String n = strip(value);
        if (n == null) {
            throw new HostileArchive(entry, "has '..' in its " + what);
        }
        return n;
    }

    /** Checks that every parent of {@code name} is a directory made by this extraction; creates missing ones. */
    private void parents(String name, String raw) throws IOException, HostileArchive {
        int slash = name.lastIndexOf('/');
        if (slash < 0) {
            return;
        }
        String parent = name.substring(0, slash);
        Byte k = kinds.get(parent);
        if (k != null && k == DIR) {
            return;
        }
        // walk down from the top: each component must be a directory (or missing, then created)
        int from = 0;
        while (true) {
            int next = name.indexOf('/', from);
            if (next < 0) {
                return;
            }
            String p = name.substring(0, next);
            Byte kind = kinds.get(p);
            if (kind == null) {
                Path d = root.resolve(p);
                Files.createDirectory(d);
                Owners.chown(d, ids.base(), ids.base());
                kinds.put(p, DIR);
            } else if (kind == LINK) {
                throw new HostileArchive(raw, "would be written through the symlink '" + p + "'");
            } else if (kind != DIR) {
                throw new HostileArchive(raw, "would be written below the file '" + p + "'");
            }
            from = next + 1;
        }
    }

    private void one(TarStream tin, TarArchiveEntry e) throws IOException, LxcatException {
        String raw = e.getName();
        String name = safeName(raw, raw, "name");
        if (excludes.contains(name)) {
            skipped++;
            return;
        }
        if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            skipped++;
            return;
        }
        if (name.isEmpty()) {
            if (!e.isDirectory()) {
                throw new HostileArchive(raw, "names the rootfs itself but is not a directory");
            }
            meta(root, e, true);
            dirTimes.add(new Object[] {root, e.getLastModifiedTime()});
            return;
        }
        parents(name, raw);
        Path p = root.resolve(name);
        Byte existing = kinds.get(name);
        if (e.isDirectory()) {
            if (existing == null) {
                Files.createDirectory(p);
                kinds.put(name, DIR);
            } else if (existing != DIR) {
                replace(p, raw, existing);
                Files.createDirectory(p);
                kinds.put(name, DIR);
            }
            meta(p, e, true);
            dirTimes.add(new Object[] {p, e.getLastModifiedTime()});
            return;
        }
        if (existing != null) {
            replace(p, raw, existing);
        }
        if (e.isSymbolicLink()) {
            String target = e.getLinkName();
            if (target.indexOf('\0') >= 0 || target.isEmpty()) {
                throw new HostileArchive(raw, "is a symlink with an empty or NUL target");
            }
            Files.createSymbolicLink(p, Path.of(target));
            kinds.put(name, LINK);
            Owners.chown(p, host(e.getLongUserId(), raw), host(e.getLongGroupId(), raw));
            setTime(p, e.getLastModifiedTime());
            return;
        }
        if (e.isLink()) {
            String target = safeName(raw, e.getLinkName(), "hard link target '" + e.getLinkName() + "'");
            Byte tk = kinds.get(target);
            if (tk == null || tk == DIR) {
                throw new HostileArchive(raw, "is a hard link to '" + e.getLinkName() + "', which is not an earlier file of the archive");
            }
            Files.createLink(p, root.resolve(target));
            kinds.put(name, tk);
            return;
        }
        if (!e.isFile()) {
            LOG.fine("skipping entry " + raw + " of unsupported type " + (char) e.getLinkFlag());
            skipped++;
            return;
        }
        // created with its final permissions when it can be (no chmod afterwards: the JDK's no-follow chmod opens,
        // fchmods and closes the file, three system calls per file); chown does not touch plain permission bits
        var createMode = Owners.createMode(e.getMode());
        try (FileChannel ch = createMode == null ? FileChannel.open(p, CREATE) : FileChannel.open(p, CREATE, createMode)) {
            ByteBuffer b;
            while ((b = tin.data()) != null) {
                bytes += b.remaining();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        kinds.put(name, FILE);
        meta(p, e, createMode == null);
        // p is the regular file this thread just created with O_CREAT|O_EXCL|O_NOFOLLOW in a checked parent, so it
        // can be opened following links: the no-follow variant first stats the path to rule out a symlink (one
        // system call per file more)
        Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(e.getLastModifiedTime(), e.getLastModifiedTime(), null);
    }

    /** An entry that repeats a name: files and symlinks are replaced (never followed), a directory is not. */
    private void replace(Path p, String raw, byte existing) throws IOException, HostileArchive {
        if (existing == DIR) {
            throw new HostileArchive(raw, "would replace a directory of the archive with a non-directory");
        }
        Files.delete(p);
    }

    private long host(long id, String raw) throws LxcatException {
        if (id < 0 || id >= ids.size()) {
            throw new LxcatException("image archive entry '" + raw + "' is owned by id " + id + ", outside the container's "
                    + ids.size() + " ids: raise idmap.size (IDMAP_SIZE) to at least " + (id + 1));
        }
        return ids.base() + id;
    }

    private void meta(Path p, TarArchiveEntry e, boolean chmod) throws IOException, LxcatException {
        Owners.chown(p, host(e.getLongUserId(), e.getName()), host(e.getLongGroupId(), e.getName()));
        if (chmod) {
            Owners.chmod(p, e.getMode());
        }
        xattrs(p, e);
    }

    private void xattrs(Path p, TarArchiveEntry e) throws IOException, LxcatException {
        Map<String, String> pax = e.getExtraPaxHeaders();
        if (pax.isEmpty()) {
            return;
        }
        for (Map.Entry<String, String> h : pax.entrySet()) {
            String key = h.getKey();
            byte[] value;
            String attr;
            if (key.startsWith("SCHILY.xattr.")) {
                attr = key.substring("SCHILY.xattr.".length());
                byte[] exact = rawPax.get(key);   // null for a value from a global pax header
                if (exact != null) {
                    value = exact;
                } else if (h.getValue().indexOf('\uFFFD') >= 0) {
                    LOG.warning("extended attribute " + attr + " of " + e.getName() + " is binary and could not be read exactly; not restored");
                    continue;
                } else {
                    value = h.getValue().getBytes(StandardCharsets.UTF_8);
                }
            } else if (key.startsWith("LIBARCHIVE.xattr.")) {
                try {
                    attr = java.net.URLDecoder.decode(key.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
                    value = Base64.getDecoder().decode(h.getValue().trim());
                } catch (IllegalArgumentException bad) {
                    throw new TarStream.Corrupt("its pax header " + key + " is malformed (" + bad.getMessage() + ")", bad);
                }
            } else {
                continue;
            }
            if (attr.startsWith("user.")) {
                if (!e.isSymbolicLink()) {
                    UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                    v.write(attr.substring(5), ByteBuffer.wrap(value));
                }
            } else if (attr.equals("security.capability")) {
                otherXattrs.add(new Xattrs.Item(p.toString(), attr, Capabilities.toV3(value, ids.base())));
            } else if (attr.equals("system.posix_acl_access") || attr.equals("system.posix_acl_default")) {
                otherXattrs.add(new Xattrs.Item(p.toString(), attr, Capabilities.shiftAcl(value, ids, e.getName())));
            } else {
                // trusted.*, security.selinux ...: what tar inside the user namespace cannot set either
                skippedXattrs++;
            }
        }
    }

    private static void setTime(Path p, FileTime t) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, t, null);
    }

    /** Directory times last (writing into a directory changes its mtime), deepest first; other xattrs after chown. */
    private void applyDeferred() throws IOException, LxcatException {
        Xattrs.set(otherXattrs);
        if (skippedXattrs > 0) {
            LOG.info(skippedXattrs + " extended attributes outside the user, security.capability and ACL namespaces were not restored"
                    + " (a user namespace cannot set them)");
        }
        for (int i = dirTimes.size() - 1; i >= 0; i--) {
            setTime((Path) dirTimes.get(i)[0], (FileTime) dirTimes.get(i)[1]);
        }
    }
}
