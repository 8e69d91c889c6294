package org.lxcatastrophe.image.internal;

import java.util.Arrays;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;

/**
 * Extended attribute values that hold ids, shifted the way the kernel shifts them when tar sets them inside the
 * container's user namespace: file capabilities ({@code security.capability}: a v2 value becomes a v3 value whose
 * root id is the container's root on the host, a v3 value's root id is shifted) and POSIX ACLs
 * ({@code system.posix_acl_access}/{@code _default}: named user and group entries are shifted).
 */
final class Capabilities {
    private static final int REVISION_MASK = 0xFF000000;
    private static final int REVISION_2 = 0x02000000;
    private static final int REVISION_3 = 0x03000000;
    private static final int ACL_VERSION = 2;
    private static final int ACL_USER = 0x02;
    private static final int ACL_GROUP = 0x08;

    private Capabilities() {
    }

    static byte[] toV3(byte[] v, long rootId) {
        if (v.length < 4) {
            return v;
        }
        int magic = le32(v, 0);
        if ((magic & REVISION_MASK) == REVISION_3 && v.length == 24) {
            byte[] out = v.clone();
            put32(out, 20, (int) (rootId + (le32(v, 20) & 0xffffffffL)));
            return out;
        }
        if ((magic & REVISION_MASK) != REVISION_2 || v.length != 20) {
            return v;
        }
        byte[] out = Arrays.copyOf(v, 24);
        put32(out, 0, REVISION_3 | (magic & ~REVISION_MASK));
        put32(out, 20, (int) rootId);
        return out;
    }

    /** Shifts the ids of named ACL entries into {@code ids}; the value is returned unchanged when it is not an ACL. */
    static byte[] shiftAcl(byte[] v, IdRange ids, String entry) throws LxcatException {
        if (v.length < 4 || (v.length - 4) % 8 != 0 || le32(v, 0) != ACL_VERSION) {
            return v;
        }
        byte[] out = v.clone();
        for (int off = 4; off < v.length; off += 8) {
            int tag = (v[off] & 0xff) | (v[off + 1] & 0xff) << 8;
            if (tag == ACL_USER || tag == ACL_GROUP) {
                long id = le32(v, off + 4) & 0xffffffffL;
                if (id >= ids.size()) {
                    throw new LxcatException("image archive entry '" + entry + "' has an ACL for id " + id + ", outside the container's "
                            + ids.size() + " ids: raise idmap.size (IDMAP_SIZE) to at least " + (id + 1));
                }
                put32(out, off + 4, (int) (ids.base() + id));
            }
        }
        return out;
    }

    private static int le32(byte[] v, int off) {
        return (v[off] & 0xff) | (v[off + 1] & 0xff) << 8 | (v[off + 2] & 0xff) << 16 | (v[off + 3] & 0xff) << 24;
    }

    private static void put32(byte[] v, int off, int x) {
        v[off] = (byte) x;
        v[off + 1] = (byte) (x >>> 8);
        v[off + 2] = (byte) (x >>> 16);
        v[off + 3] = (byte) (x >>> 24);
    }
}
