package org.lxcatastrophe.network.host;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code /etc/resolv.conf}, including the upstream servers Docker records in its
 * {@code # ExtServers: [...]} comment on user-defined networks.
 */
record ResolvConf(List<String> nameservers, List<String> search, List<String> options, List<String> extServers) {
    private static final Pattern EXT = Pattern.compile("^#\\s*ExtServers:\\s*\\[(.*)\\]\\s*$");
    private static final Pattern HOST = Pattern.compile("host\\((.*)\\)");

    static ResolvConf parse(String text) {
        List<String> servers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> options = new ArrayList<>();
        List<String> ext = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            Matcher m = EXT.matcher(line);
            if (m.matches()) {
                for (String s : m.group(1).trim().split("\\s+")) {
                    Matcher h = HOST.matcher(s);
                    // host(...) servers are reached from the Docker host's namespace, not ours: skip them
                    if (!s.isEmpty() && !h.matches()) {
                        ext.add(s);
                    }
                }
                continue;
            }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] words = line.split("\\s+");
            switch (words[0]) {
                case "nameserver" -> {
                    if (words.length > 1) {
                        servers.add(words[1]);
                    }
                }
                case "search", "domain" -> {
                    search.clear();
                    for (int i = 1; i < words.length; i++) {
                        if (!words[i].equals(".")) {
                            search.add(words[i]);
                        }
                    }
                }
                case "options" -> {
                    for (int i = 1; i < words.length; i++) {
                        options.add(words[i]);
                    }
                }
                default -> {
                    // sortlist and unknown keywords are not passed on
                }
            }
        }
        return new ResolvConf(List.copyOf(servers), List.copyOf(search), List.copyOf(options), List.copyOf(ext));
    }

    /** Whether the container cannot reach {@code server}: loopback, or link-local with a zone. */
    static boolean unreachableFromContainer(String server) {
        return server.startsWith("127.") || server.equals("::1") || server.contains("%")
                || server.toLowerCase().startsWith("fe80:");
    }
}
