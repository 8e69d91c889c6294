package org.lxcatastrophe.image.internal;

/**
 * File capabilities ({@code security.capability}): a v2 value from the archive becomes a v3 value whose root id is
 * the container's root on the host, which is what the kernel stores when tar sets it inside the user namespace.
 */
final class Capabilities {
    private static final int REVISION_MASK = 0xFF000000;
    private static final int REVISION_2 = 0x02000000;
    private static final int REVISION_3 = 0x03000000;

    private Capabilities() {
    }

    static byte[] toV3(byte[] v, long rootId) {
        if (v.length != 20) {
            return v;
        }
        int magic = (v[0] & 0xff) | (v[1] & 0xff) << 8 | (v[2] & 0xff) << 16 | (v[3] & 0xff) << 24;
        if ((magic & REVISION_MASK) != REVISION_2) {
            return v;
        }
        byte[] out = java.util.Arrays.copyOf(v, 24);
        int m3 = REVISION_3 | (magic & ~REVISION_MASK);
        out[0] = (byte) m3;
        out[1] = (byte) (m3 >>> 8);
        out[2] = (byte) (m3 >>> 16);
        out[3] = (byte) (m3 >>> 24);
        out[20] = (byte) rootId;
        out[21] = (byte) (rootId >>> 8);
        out[22] = (byte) (rootId >>> 16);
        out[23] = (byte) (rootId >>> 24);
        return out;
    }
}
