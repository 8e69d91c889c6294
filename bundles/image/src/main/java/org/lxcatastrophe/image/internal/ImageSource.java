package org.lxcatastrophe.image.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;

/** One way of asking a server which images it has (LXC images index, simplestreams). */
interface ImageSource {

    String protocol();

    /** Every build the server offers (newest build per image). */
    List<ImageBuild> list() throws LxcatException;

    /** The build to fetch for {@code ref}, or an error naming what the server offers that comes closest. */
    ResolvedBuild resolve(ImageRef ref) throws LxcatException;

    /** "no image X on S; it offers ..." listing the closest match: same dist+release, else same dist, else the dists. */
    static LxcatException notOffered(ImageRef ref, String server, List<ImageBuild> builds) {
        List<String> sameRelease = new ArrayList<>();
        TreeSet<String> releases = new TreeSet<>();
        TreeSet<String> dists = new TreeSet<>();
        for (ImageBuild b : builds) {
            ImageRef r = b.ref();
            dists.add(r.dist());
            if (r.dist().equals(ref.dist())) {
                releases.add(r.release());
                if (r.release().equals(ref.release())) {
                    sameRelease.add(r.arch() + "/" + r.variant());
                }
            }
        }
        String offer;
        if (!sameRelease.isEmpty()) {
            offer = "for " + ref.dist() + "/" + ref.release() + " it offers arch/variant " + String.join(", ", new TreeSet<>(sameRelease));
        } else if (!releases.isEmpty()) {
            offer = "for " + ref.dist() + " it offers the releases " + String.join(", ", releases);
        } else if (!dists.isEmpty()) {
            offer = "it offers the distributions " + String.join(", ", dists);
        } else {
            offer = "it offers no images at all";
        }
        return new LxcatException("no image " + ref + " on " + server + "; " + offer
                + " (set DIST_NAME, DIST_FLAVOUR, DIST_ARCH, DIST_VARIANT accordingly)");
    }

    /** Newest build per image, sorted. */
    static List<ImageBuild> newestPerImage(List<ImageBuild> all) {
        Map<String, ImageBuild> newest = new TreeMap<>();
        for (ImageBuild b : all) {
            newest.merge(b.ref().toString(), b, (x, y) -> x.buildId().compareTo(y.buildId()) >= 0 ? x : y);
        }
        return new ArrayList<>(newest.values());
    }
}
