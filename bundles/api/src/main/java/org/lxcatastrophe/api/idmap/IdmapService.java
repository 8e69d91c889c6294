package org.lxcatastrophe.api.idmap;

import java.nio.file.Path;
import java.util.List;

import org.lxcatastrophe.api.LxcatException;

/** Subordinate id ranges for root and the {@code lxc.idmap} lines that use them. */
public interface IdmapService {

    /**
     * Makes sure {@code /etc/subuid} and {@code /etc/subgid} grant root the configured range (or a free one),
     * without touching other entries. Re-running is a no-op.
     */
    IdRange ensureRange() throws LxcatException;

    /** {@code lxc.idmap = u 0 BASE SIZE} and {@code lxc.idmap = g 0 BASE SIZE}. */
    List<String> lxcConfig(IdRange range);

    /**
     * Makes every directory from {@code /} down to {@code path} traversable by the mapped root, with the least
     * permission needed.
     */
    void ensureTraversable(Path path, IdRange range) throws LxcatException;
}
