package org.lxcatastrophe.image.internal;

import java.util.Locale;
import java.util.Map;

/** Architecture names as the LXC images server uses them, with the kernel/JVM aliases. */
final class Arch {
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("x86_64", "amd64"), Map.entry("amd64", "amd64"),
            Map.entry("aarch64", "arm64"), Map.entry("arm64", "arm64"),
            Map.entry("armv7l", "armhf"), Map.entry("armhf", "armhf"), Map.entry("arm", "armhf"), Map.entry("armv7", "armhf"),
            Map.entry("armel", "armel"),
            Map.entry("i386", "i386"), Map.entry("i686", "i386"), Map.entry("x86", "i386"),
            Map.entry("ppc64le", "ppc64el"), Map.entry("ppc64el", "ppc64el"),
            Map.entry("s390x", "s390x"), Map.entry("riscv64", "riscv64"));

    private Arch() {
    }

    /** Whether {@code arch} is one of the server's names or an alias of one. */
    static boolean known(String arch) {
        return ALIASES.containsKey(arch.trim().toLowerCase(Locale.ROOT));
    }

    /** The server's names, for messages. */
    static String names() {
        return String.join(", ", new java.util.TreeSet<>(ALIASES.values()));
    }

    /** The server's name for an architecture; unknown names pass through lower-cased. */
    static String normalise(String arch) {
        String a = arch.trim().toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(a, a);
    }

    static String host() {
        return normalise(System.getProperty("os.arch", "amd64"));
    }

    /** The kernel name (lxc.arch accepts both, this is what uname says). */
    static String kernel(String arch) {
        switch (normalise(arch)) {
            case "amd64": return "x86_64";
            case "arm64": return "aarch64";
            case "armhf": return "armv7l";
            case "i386": return "i686";
            case "ppc64el": return "ppc64le";
            default: return normalise(arch);
        }
    }
}
