package org.lxcatastrophe.image.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the raw header records of the current tar entry, so pax values that are binary (extended attributes such as
 * {@code system.posix_acl_access} or {@code security.capability}, which GNU tar stores as raw bytes) can be read
 * byte-exact: commons-compress decodes every pax value as UTF-8, which loses bytes that are not valid UTF-8.
 *
 * <p>The stream tracks its position; before each {@code getNextEntry} the caller says where the next header starts
 * (the end of the previous header plus its data, rounded up to a record), and only bytes from there on are kept.
 * The recording is checked (header checksums, the chain of extension headers ending in the entry's own header) and
 * ignored when it does not add up.
 */
final class RawHeaders extends FilterInputStream {
    private static final int RECORD = 512;
    private static final int MAX = 1 << 20;
    private long pos;
    private long keepFrom;
    private byte[] rec = new byte[8192];
    private int len;
    private boolean overflow;
    private final byte[] scratch = new byte[8192];

    RawHeaders(InputStream in) {
        super(in);
    }

    /** Starts keeping bytes at the next header; call before {@code getNextEntry}. */
    void beforeHeader(long nextHeader) {
        keepFrom = nextHeader;
        len = 0;
        overflow = false;
    }

    /** Stops keeping bytes (the entry's data follows); returns the position right after the header. */
    long afterHeader() {
        keepFrom = Long.MAX_VALUE;
        return pos;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            scratch[0] = (byte) b;
            keep(scratch, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
        int r = in.read(b, off, n);
        if (r > 0) {
            keep(b, off, r);
        }
        return r;
    }

    /** Skips by reading, so the position stays exact. */
    @Override
    public long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    private void keep(byte[] b, int off, int n) {
        long start = pos;
        pos += n;
        if (pos <= keepFrom || overflow) {
            return;
        }
        int skip = (int) Math.max(0, keepFrom - start);
        int count = n - skip;
        if (len + count > MAX) {
            overflow = true;
            return;
        }
        if (len + count > rec.length) {
            rec = Arrays.copyOf(rec, Math.max(rec.length * 2, len + count));
        }
        System.arraycopy(b, off + skip, rec, len, count);
        len += count;
    }

    /**
     * The pax records (raw values) of the entry whose headers were just kept, and the stored data size of the entry;
     * null when the recording does not add up.
     */
    Parsed parse() {
        if (overflow || len < RECORD || len % RECORD != 0) {
            return null;
        }
        Map<String, byte[]> pax = new HashMap<>();
        int off = 0;
        while (off + RECORD <= len) {
            if (!checksumOk(off)) {
                return null;
            }
            byte type = rec[off + 156];
            long size = number(off + 124, 12);
            if (size < 0) {
                return null;
            }
            if (off + RECORD == len) {
                byte[] s = pax.get("size");
                long stored = s != null && (type != '1' && type != '2') ? parseLong(s) : size;
                return stored < 0 ? null : new Parsed(pax, stored);
            }
            long next = off + RECORD + (size + RECORD - 1) / RECORD * RECORD;
            if (next > len - RECORD) {
                return null;
            }
            if (type == 'x') {
                if (!records(off + RECORD, (int) size, pax)) {
                    return null;
                }
            } else if (type != 'g' && type != 'L' && type != 'K') {
                return null;
            }
            off = (int) next;
        }
        return null;
    }

    record Parsed(Map<String, byte[]> pax, long dataSize) {
    }

    private boolean checksumOk(int off) {
        long want = number(off + 148, 8);
        long sum = 0;
        for (int i = 0; i < RECORD; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (rec[off + i] & 0xff);
        }
        return want == sum;
    }

    /** An octal field (NUL/space padded) or a base-256 one; -1 if malformed. */
    private long number(int off, int n) {
        if ((rec[off] & 0x80) != 0) {
            long v = rec[off] & 0x7f;
            for (int i = 1; i < n; i++) {
                v = (v << 8) | (rec[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        boolean any = false;
        for (int i = 0; i < n; i++) {
            byte c = rec[off + i];
            if (c == 0 || (c == ' ' && any)) {
                break;
            }
            if (c == ' ') {
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            v = v * 8 + (c - '0');
            any = true;
        }
        return v;
    }

    /** "LEN key=value\n" records. */
    private boolean records(int off, int size, Map<String, byte[]> out) {
        int end = off + size;
        int p = off;
        while (p < end) {
            if (rec[p] == 0) {
                return true;
            }
            int sp = p;
            while (sp < end && rec[sp] != ' ') {
                sp++;
            }
            long n = parseLong(Arrays.copyOfRange(rec, p, sp));
            if (n <= 0 || p + n > end || rec[(int) (p + n - 1)] != '\n') {
                return false;
            }
            int eq = sp + 1;
            while (eq < p + n && rec[eq] != '=') {
                eq++;
            }
            if (eq >= p + n) {
                return false;
            }
            String key = new String(rec, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            out.put(key, Arrays.copyOfRange(rec, eq + 1, (int) (p + n - 1)));
            p += (int) n;
        }
        return true;
    }

    private static long parseLong(byte[] digits) {
        if (digits.length == 0 || digits.length > 18) {
            return -1;
        }
        long v = 0;
        for (byte d : digits) {
            if (d < '0' || d > '9') {
                return -1;
            }
            v = v * 10 + (d - '0');
        }
        return v;
    }
}
