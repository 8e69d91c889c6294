package org.lxcatastrophe.image.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.file.Path;

import org.lxcatastrophe.api.image.CachedImage;
import org.lxcatastrophe.api.image.FetchOptions;
import org.lxcatastrophe.api.image.ImageRef;

/** A second process sharing the cache with the test: {@code hold CACHE} takes the entry's lock until stdin closes; {@code fetch SERVER CACHE}. */
public final class CacheChild {
    static final ImageRef REF = new ImageRef("debian", "bookworm", "amd64", "default");

    private CacheChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("hold")) {
            try (ImageCache.Lock l = new ImageCache(Path.of(args[1])).lock(REF)) {
                System.out.println("locked");
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in)).readLine();
            }
            System.out.println("released");
        } else {
            CachedImage c = TestImages.service(URI.create(args[1]), Path.of(args[2])).fetch(REF, FetchOptions.DEFAULT);
            System.out.println("done " + c.buildId() + " downloaded=" + c.downloaded());
        }
        System.out.flush();
    }

    static Process start(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] cmd = new String[args.length + 4];
        cmd[0] = java;
        cmd[1] = "-cp";
        cmd[2] = System.getProperty("java.class.path");
        cmd[3] = CacheChild.class.getName();
        System.arraycopy(args, 0, cmd, 4, args.length);
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
