package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * A tar stream read through one large buffer: each header record is decoded by commons-compress
 * ({@link TarArchiveEntry} from the record, then its pax and GNU long-name extensions applied), and an entry's data is
 * handed out as slices of the buffer, to be written straight to the extracted file.
 *
 * <p>{@code TarArchiveInputStream} does the same framing with a read system call per pax header byte on an
 * unbuffered stream, two {@code available()} calls (fstat and ioctl) per entry on a process pipe, and a fresh 8 KiB
 * skip buffer per entry; for a distribution's rootfs of ~9000 entries that was most of the extractor's CPU time.
 *
 * <p>Pax values are also kept as raw bytes: binary ones (extended attributes such as {@code security.capability}
 * or ACLs, which GNU tar stores unencoded) do not survive commons-compress' UTF-8 decoding.
 */
final class TarStream {
    static final int RECORD = 512;
    /** The extension headers (pax records, GNU long names) of one entry together may be this long. */
    static final int MAX_EXTENSION = 1 << 20;
    /** Global pax values (applied to every entry) together may be this long. */
    static final int MAX_GLOBAL = 8 << 10;
    private static final ZipEncoding UTF8 = ZipEncodingHelper.getZipEncoding("UTF-8");

    /** A failure reading the archive (the compressed stream or the tar format), as opposed to one writing the tree. */
    static final class Corrupt extends IOException {
        private static final long serialVersionUID = 1L;

        Corrupt(Throwable cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        }

        Corrupt(String message) {
            super(message);
        }

        Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A well-formed entry of a kind this reader does not extract: the archive is fine, but cannot be used. */
    static final class Unsupported extends IOException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    /** An entry's header: the decoded entry, its pax values as raw bytes (empty when it has none). */
    record Header(TarArchiveEntry entry, Map<String, byte[]> rawPax) {
    }

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    /** Stream offset of {@code buf[0]}. */
    private long base;
    private final Map<String, String> globalPax = new HashMap<>();
    /** Data (and then padding) of the current entry still to be consumed. */
    private long data;
    private long padding;
    private String current;

    TarStream(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[Math.max(bufferSize, 4 * RECORD)];
    }

    /**
     * The next entry's header, or null at the end of the archive; the previous entry's unread data is skipped.
     *
     * @throws Corrupt for a broken archive
     * @throws Unsupported for a well-formed entry this reader does not extract (sparse files)
     */
    Header next() throws IOException {
        skip(data + padding);
        data = 0;
        padding = 0;
        current = null;
        Map<String, byte[]> pax = null;
        byte[] longName = null;
        byte[] longLink = null;
        long extensions = 0;
        while (true) {
            if (!fill(RECORD)) {
                if (lim - pos == 0 && pax == null && longName == null && longLink == null) {
                    return null;   // no end-of-archive records: accepted like GNU tar does
                }
                throw new Corrupt("the archive ends inside a header: it is truncated");
            }
            if (zero(pos)) {
                pos += RECORD;
                return null;
            }
            byte[] h = Arrays.copyOfRange(buf, pos, pos + RECORD);
            long at = base + pos;
            pos += RECORD;
            long size = checkedSize(h, at);
            byte type = h[156];
            if (type == 'x' || type == 'X' || type == 'g' || type == 'L' || type == 'K') {
                extensions += size;
                if (extensions > MAX_EXTENSION) {
                    throw new Corrupt("the extension headers of one entry (the last at offset " + at + ") add up to more than "
                            + MAX_EXTENSION + " bytes");
                }
            }
            switch (type) {
                case 'x', 'X' -> {
                    // a later extended header replaces an earlier one (GNU tar reads them so); an empty value stays
                    // in the map to mask a global value, and is dropped when the entry is made
                    Map<String, byte[]> entryPax = new HashMap<>();
                    records(extension(size, at), entryPax::put);
                    pax = entryPax;
                }
                case 'g' -> {
                    records(extension(size, at), (k, v) -> {
                        if (v.length == 0) {
                            globalPax.remove(k);
                        } else {
                            globalPax.put(k, new String(v, StandardCharsets.UTF_8));
                        }
                    });
                    // every entry pays for applying them: bounded so that a small archive cannot cost hours
                    long total = 0;
                    for (Map.Entry<String, String> g : globalPax.entrySet()) {
                        total += g.getKey().length() + g.getValue().length();
                    }
                    if (total > MAX_GLOBAL) {
                        throw new Corrupt("the global pax header at offset " + at + " sets " + total + " bytes of values (at most "
                                + MAX_GLOBAL + " are accepted)");
                    }
                }
                case 'L' -> longName = trimNul(extension(size, at));
                case 'K' -> longLink = trimNul(extension(size, at));
                default -> {
                    return header(h, at, type, pax, longName, longLink);
                }
            }
        }
    }

    /** The size field of a header record whose checksum is right. */
    private static long checkedSize(byte[] h, long at) throws Corrupt {
        try {
            if (!TarUtils.verifyCheckSum(h)) {
                throw new Corrupt("the header at offset " + at + " has a wrong checksum");
            }
        } catch (IllegalArgumentException e) {
            // commons-compress throws for a checksum field that is not octal: not a tar header at all
            throw new Corrupt("the record at offset " + at + " is not a tar header (" + e.getMessage() + ")", e);
        }
        long size;
        try {
            size = TarUtils.parseOctalOrBinary(h, 124, 12);
        } catch (IllegalArgumentException e) {
            throw new Corrupt("the header at offset " + at + " has a malformed size: " + e.getMessage(), e);
        }
        // room for the padding: skipping size + padding bytes must not overflow
        if (size < 0 || size > Long.MAX_VALUE - RECORD) {
            throw new Corrupt("the header at offset " + at + " has an impossible size " + size);
        }
        return size;
    }

    private Header header(byte[] h, long at, byte type, Map<String, byte[]> pax, byte[] longName, byte[] longLink)
            throws IOException {
        TarArchiveEntry e;
        try {
            e = new TarArchiveEntry(h, UTF8, false);
            for (Map.Entry<String, String> g : globalPax.entrySet()) {
                if (pax == null || !pax.containsKey(g.getKey())) {
                    e.addPaxHeader(g.getKey(), g.getValue());
                }
            }
            if (longName != null) {
                e.setName(UTF8.decode(longName));
            }
            if (longLink != null) {
                e.setLinkName(UTF8.decode(longLink));
            }
            if (pax != null) {
                pax.values().removeIf(v -> v.length == 0);
                for (Map.Entry<String, byte[]> p : pax.entrySet()) {
                    e.addPaxHeader(p.getKey(), new String(p.getValue(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | RuntimeException ex) {
            // commons-compress reports malformed fields with IllegalArgumentException and others
            throw new Corrupt("the header at offset " + at + " is malformed: " + reason(ex), ex);
        }
        current = e.getName();
        if (e.isSparse()) {
            throw new Unsupported("entry '" + current + "' is a sparse file (written by tar --sparse), which the extractor does not support");
        }
        // hard links, symlinks and directories store no data whatever their size fields say (POSIX; GNU tar reads
        // them so); a GNU dump directory ('D') does
        data = type == '1' || type == '2' || (e.isDirectory() && type != 'D') ? 0 : e.getSize();
        if (data < 0 || data > Long.MAX_VALUE - RECORD) {
            throw new Corrupt("entry '" + current + "' has an impossible size " + data);
        }
        padding = (RECORD - data % RECORD) % RECORD;
        return new Header(e, pax == null ? Map.of() : pax);
    }

    /** The innermost message of a failure (commons-compress wraps the telling one as "Invalid input"). */
    private static String reason(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != t; t = c, c = c.getCause()) {
            if (c.getMessage() != null) {
                m = c.getMessage();
            }
        }
        return m;
    }

    /**
     * The next slice of the current entry's data (at most what the buffer holds), consumed by this call; null when
     * the data is all read.
     */
    ByteBuffer data() throws IOException {
        if (data == 0) {
            return null;
        }
        if (pos == lim && !fill(1)) {
            throw new Corrupt("the archive ends in the middle of " + current + ": it is truncated");
        }
        int n = (int) Math.min(data, lim - pos);
        ByteBuffer b = ByteBuffer.wrap(buf, pos, n);
        pos += n;
        data -= n;
        return b;
    }

    /** Reads the rest of the input (after the end-of-archive records), so the decompressor checks the stream's end. */
    void drain() throws IOException {
        pos = lim;
        while (read() >= 0) {
            pos = lim;
        }
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            if (pos == lim && !fill(1)) {
                throw new Corrupt("the archive ends in the middle of " + current + ": it is truncated");
            }
            int k = (int) Math.min(n, lim - pos);
            pos += k;
            n -= k;
        }
    }

    /** The data of an extension header (pax records or a long name; {@code next} bounds their size). */
    private byte[] extension(long size, long at) throws IOException {
        byte[] out = new byte[(int) size];
        int done = 0;
        while (done < size) {
            if (pos == lim && !fill(1)) {
                throw new Corrupt("the archive ends inside the extension header at offset " + at + ": it is truncated");
            }
            int k = Math.min((int) size - done, lim - pos);
            System.arraycopy(buf, pos, out, done, k);
            pos += k;
            done += k;
        }
        skip((RECORD - size % RECORD) % RECORD);
        return out;
    }

    /** Makes {@code need} bytes available from {@code pos}; false at the end of the input before that. */
    private boolean fill(int need) throws IOException {
        while (lim - pos < need) {
            if (eof) {
                return false;
            }
            if (pos > 0 && buf.length - pos < need + RECORD) {
                compact();
            }
            read();
        }
        return true;
    }

    /** Moves the unread bytes to the start of the buffer. */
    private void compact() {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        base += pos;
        lim -= pos;
        pos = 0;
    }

    /** One read into the buffer's free space (compacting it when full); the count, -1 at the end. */
    private int read() throws IOException {
        if (lim == buf.length) {
            compact();
        }
        int r;
        try {
            r = in.read(buf, lim, buf.length - lim);
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new Corrupt(e);
        }
        if (r < 0) {
            eof = true;
        } else {
            lim += r;
        }
        return r;
    }

    private boolean zero(int off) {
        for (int i = off; i < off + RECORD; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] trimNul(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return n == b.length ? b : Arrays.copyOf(b, n);
    }

    /**
     * "LEN key=value\n" records, each handed to {@code out} (an empty value too: the caller decides what it removes or
     * masks); a malformed record makes the archive corrupt.
     */
    private static void records(byte[] rec, BiConsumer<String, byte[]> out) throws Corrupt {
        int p = 0;
        while (p < rec.length) {
            if (rec[p] == 0) {
                return;   // NUL padding after the last record
            }
            int sp = p;
            long n = 0;
            while (sp < rec.length && rec[sp] >= '0' && rec[sp] <= '9' && n <= rec.length) {
                n = n * 10 + (rec[sp++] - '0');
            }
            if (sp == p || sp >= rec.length || rec[sp] != ' ' || n <= sp - p + 1 || p + n > rec.length
                    || rec[(int) (p + n - 1)] != '\n') {
                throw new Corrupt("a pax extended header record is malformed");
            }
            int end = (int) (p + n - 1);
            int eq = sp + 1;
            while (eq < end && rec[eq] != '=') {
                eq++;
            }
            if (eq >= end) {
                throw new Corrupt("a pax extended header record has no '='");
            }
            String key = new String(rec, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            out.accept(key, Arrays.copyOfRange(rec, eq + 1, end));
            p = (int) (p + n);
        }
    }
}
