package org.lxcatastrophe.idmap.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.idmap.IdRange;
import org.lxcatastrophe.api.idmap.IdmapService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Grants root a subordinate id range in {@code /etc/subuid} and {@code /etc/subgid} (appending one line where
 * missing, never touching other lines) and renders the {@code lxc.idmap} lines.
 */
@Component(configurationPid = IdmapServiceImpl.PID, service = IdmapService.class)
@Designate(ocd = IdmapServiceImpl.Config.class)
public class IdmapServiceImpl implements IdmapService {

    static final String PID = "org.lxcatastrophe.idmap";
    /** The lowest id the automatic choice uses (where useradd starts, clear of system and normal users). */
    static final long AUTO_FLOOR = 100000;
    /** ids are 32 bit; {@code (uid_t) -1} is reserved. */
    static final long ID_LIMIT = 4294967295L;
    static final long MIN_SIZE = 65536;

    private static final Logger LOG = Logger.getLogger(IdmapServiceImpl.class.getName());
    private static final String OWNER = "root";
    private static final String OWNER_ID = "0";

    @ObjectClassDefinition(name = "lxcatastrophe id mapping", description = "Subordinate ids for the container's root")
    public @interface Config {
        @AttributeDefinition(name = "idmap.base", description = "First host id of the container's range, or 'auto' "
                + "for the first range free in /etc/subuid and /etc/subgid (env IDMAP_BASE)")
        String idmap_base() default "auto";

        @AttributeDefinition(name = "idmap.size", description = "Number of ids, at least 65536 (env IDMAP_SIZE)")
        long idmap_size() default 65536;
    }

    private final Path subuid;
    private final Path subgid;
    private volatile Long base;
    private volatile long size = MIN_SIZE;

    public IdmapServiceImpl() {
        this(Path.of("/etc/subuid"), Path.of("/etc/subgid"));
    }

    /** For tests: other files than {@code /etc/subuid} and {@code /etc/subgid}. */
    IdmapServiceImpl(Path subuid, Path subgid) {
        this.subuid = subuid;
        this.subgid = subgid;
    }

    @Activate
    @Modified
    void configure(Config config) throws ConfigurationException {
        configure(config.idmap_base(), config.idmap_size());
    }

    /** Validates and applies the configuration. */
    void configure(String baseValue, long sizeValue) throws ConfigurationException {
        if (sizeValue < MIN_SIZE || sizeValue > ID_LIMIT - AUTO_FLOOR) {
            throw new ConfigurationException("idmap.size", "idmap.size (IDMAP_SIZE) = " + sizeValue
                    + " is invalid: a distribution needs at least 65536 ids (0-65535); use 65536 or more");
        }
        Long b = null;
        String v = baseValue == null ? "" : baseValue.trim();
        if (!v.isEmpty() && !v.equalsIgnoreCase("auto")) {
            try {
                b = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new ConfigurationException("idmap.base", "idmap.base (IDMAP_BASE) = '" + v
                        + "' is not a number: give the first host id (e.g. 100000) or 'auto'");
            }
            if (b < 1 || b + sizeValue > ID_LIMIT) {
                throw new ConfigurationException("idmap.base", "idmap.base (IDMAP_BASE) = " + b + " with idmap.size "
                        + sizeValue + " is outside the host's id space 1-" + (ID_LIMIT - 1) + ": choose a smaller base");
            }
        }
        this.base = b;
        this.size = sizeValue;
    }

    @Override
    public synchronized IdRange ensureRange() throws LxcatException {
        SubidFile uids;
        SubidFile gids;
        try {
            uids = SubidFile.read(subuid);
            gids = SubidFile.read(subgid);
        } catch (IOException e) {
            throw new LxcatException("cannot read " + subuid + " / " + subgid + ": " + e.getMessage()
                    + " (install the Debian package uidmap)", e);
        }
        long chosen = base != null ? checkExplicit(base, uids, gids) : choose(uids, gids);
        try {
            if (!uids.grants(OWNER, OWNER_ID, chosen, size)) {
                uids.append(OWNER, chosen, size);
                LOG.info("granted root the ids " + chosen + "-" + (chosen + size - 1) + " in " + subuid);
            }
            if (!gids.grants(OWNER, OWNER_ID, chosen, size)) {
                gids.append(OWNER, chosen, size);
                LOG.info("granted root the ids " + chosen + "-" + (chosen + size - 1) + " in " + subgid);
            }
        } catch (IOException e) {
            throw new LxcatException("cannot update " + subuid + " / " + subgid + ": " + e.getMessage()
                    + " (the runtime must run as root with /etc writable)", e);
        }
        return new IdRange(chosen, size);
    }

    private long checkExplicit(long b, SubidFile uids, SubidFile gids) throws ConfigurationException {
        for (SubidFile f : List.of(uids, gids)) {
            if (f.grants(OWNER, OWNER_ID, b, size)) {
                continue;
            }
            List<SubidFile.Entry> clash = f.conflicts(OWNER, OWNER_ID, b, size);
            if (!clash.isEmpty()) {
                SubidFile.Entry e = clash.get(0);
                throw new ConfigurationException("idmap.base", "idmap.base (IDMAP_BASE) = " + b + ": ids " + b + "-"
                        + (b + size - 1) + " overlap the entry " + e.owner() + ":" + e.start() + ":" + e.count() + " in "
                        + f.path() + "; choose a free base or set it to 'auto'");
            }
        }
        return b;
    }

    /** Root's existing range if it fits in both files, else the first range free in both. */
    private long choose(SubidFile uids, SubidFile gids) throws LxcatException {
        List<Long> candidates = new ArrayList<>();
        for (SubidFile f : List.of(uids, gids)) {
            for (SubidFile.Entry e : f.entries()) {
                if ((e.owner().equals(OWNER) || e.owner().equals(OWNER_ID)) && e.count() >= size
                        && !candidates.contains(e.start())) {
                    candidates.add(e.start());
                }
            }
        }
        // prefer a range root already holds in both files
        candidates.sort((a, b) -> Boolean.compare(!grantedInBoth(a, uids, gids), !grantedInBoth(b, uids, gids)));
        for (long c : candidates) {
            if (usable(c, uids) && usable(c, gids)) {
                return c;
            }
        }
        List<SubidFile.Entry> all = new ArrayList<>(uids.entries());
        all.addAll(gids.entries());
        long candidate = AUTO_FLOOR;
        boolean moved = true;
        while (moved) {
            moved = false;
            for (SubidFile.Entry e : all) {
                if (e.overlaps(candidate, size)) {
                    candidate = e.end();
                    moved = true;
                }
            }
            if (candidate + size > ID_LIMIT) {
                throw new LxcatException("no room for " + size + " subordinate ids: " + subuid + " and " + subgid
                        + " leave no free range below " + ID_LIMIT + "; free one or set IDMAP_BASE to a range root may use");
            }
        }
        return candidate;
    }

    private boolean grantedInBoth(long b, SubidFile uids, SubidFile gids) {
        return uids.grants(OWNER, OWNER_ID, b, size) && gids.grants(OWNER, OWNER_ID, b, size);
    }

    private boolean usable(long b, SubidFile f) {
        return b + size <= ID_LIMIT && (f.grants(OWNER, OWNER_ID, b, size) || f.conflicts(OWNER, OWNER_ID, b, size).isEmpty());
    }

    @Override
    public List<String> lxcConfig(IdRange range) {
        return List.of("lxc.idmap = u 0 " + range.base() + " " + range.size(),
                "lxc.idmap = g 0 " + range.base() + " " + range.size());
    }

    @Override
    public void ensureTraversable(Path path, IdRange range) throws LxcatException {
        Path abs = path.toAbsolutePath().normalize();
        List<Path> chain = new ArrayList<>();
        for (Path p = abs; p != null; p = p.getParent()) {
            chain.add(0, p);
        }
        for (Path dir : chain) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try {
                grantTraverse(dir, range.base(), range.base());
            } catch (IOException | UnsupportedOperationException e) {
                throw new LxcatException("cannot make " + dir + " traversable for the container's root (host uid "
                        + range.base() + "): " + e.getMessage() + "; grant it 'x' access (chmod o+x " + dir + ")", e);
            }
        }
    }

    /** Adds the one execute bit through which {@code uid}/{@code gid} reach {@code dir}, if it is missing. */
    static boolean grantTraverse(Path dir, long uid, long gid) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
        Map<String, Object> ids = Files.readAttributes(dir, "unix:uid,gid");
        long owner = ((Number) ids.get("uid")).longValue();
        long group = ((Number) ids.get("gid")).longValue();
        PosixFilePermission needed = owner == uid ? PosixFilePermission.OWNER_EXECUTE
                : group == gid ? PosixFilePermission.GROUP_EXECUTE : PosixFilePermission.OTHERS_EXECUTE;
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        perms.addAll(a.permissions());
        if (perms.contains(needed)) {
            return false;
        }
        perms.add(needed);
        Files.setPosixFilePermissions(dir, perms);
        LOG.info("made " + dir + " traversable for the container's root (added " + describe(needed) + ")");
        return true;
    }

    private static String describe(PosixFilePermission p) {
        return switch (p) {
            case OWNER_EXECUTE -> "u+x";
            case GROUP_EXECUTE -> "g+x";
            default -> "o+x";
        };
    }

}
