package org.lxcatastrophe.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Build-time tool: writes {@code etc/<pid>.cfg} for every PID that a bundle's metatype ({@code OSGI-INF/metatype/*.xml})
 * designates, with every key, its default, and a comment (description, type, options, environment variable).
 * Usage: {@code EtcGenerator <bundle dir> <etc dir> <pid prefix>}; only PIDs starting with the prefix are written.
 */
public final class EtcGenerator {

    /** One attribute of an OCD. */
    record Attribute(String id, String type, String defaultValue, String description, List<String> options) {
    }

    /** One PID with its attributes. */
    record Pid(String pid, String name, String description, List<Attribute> attributes) {
    }

    private EtcGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EtcGenerator <bundle dir> <etc dir> <pid prefix>");
            System.exit(2);
        }
        Path bundles = Paths.get(args[0]);
        Path etc = Paths.get(args[1]);
        Files.createDirectories(etc);
        Map<String, Pid> pids = new TreeMap<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(bundles, "*.jar")) {
            for (Path jar : jars) {
                read(jar).forEach((pid, p) -> {
                    if (pid.startsWith(args[2])) {
                        pids.put(pid, p);
                    }
                });
            }
        }
        for (Pid pid : pids.values()) {
            Files.writeString(etc.resolve(pid.pid() + ".cfg"), render(pid), StandardCharsets.UTF_8);
        }
        System.out.println("etc: wrote " + pids.size() + " configuration files " + pids.keySet());
    }

    static Map<String, Pid> read(Path jar) throws Exception {
        Map<String, Pid> pids = new LinkedHashMap<>();
        try (JarFile jf = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = jf.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.getName().startsWith("OSGI-INF/metatype/") && e.getName().endsWith(".xml")) {
                    try (InputStream in = jf.getInputStream(e)) {
                        pids.putAll(parse(in));
                    }
                }
            }
        }
        return pids;
    }

    static Map<String, Pid> parse(InputStream in) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(in);
        Map<String, Element> ocds = new LinkedHashMap<>();
        for (Element ocd : children(doc.getDocumentElement(), "OCD")) {
            ocds.put(ocd.getAttribute("id"), ocd);
        }
        Map<String, Pid> pids = new LinkedHashMap<>();
        for (Element designate : children(doc.getDocumentElement(), "Designate")) {
            String pid = designate.getAttribute("pid");
            if (pid.isEmpty() || !designate.getAttribute("factoryPid").isEmpty()) {
                continue;
            }
            for (Element object : children(designate, "Object")) {
                Element ocd = ocds.get(object.getAttribute("ocdref"));
                if (ocd == null) {
                    continue;
                }
                List<Attribute> attributes = new ArrayList<>();
                for (Element ad : children(ocd, "AD")) {
                    List<String> options = new ArrayList<>();
                    for (Element option : children(ad, "Option")) {
                        options.add(option.getAttribute("value"));
                    }
                    attributes.add(new Attribute(ad.getAttribute("id"),
                            ad.getAttribute("type").isEmpty() ? "String" : ad.getAttribute("type"),
                            ad.hasAttribute("default") ? ad.getAttribute("default") : null,
                            ad.getAttribute("description"), options));
                }
                pids.put(pid, new Pid(pid, ocd.getAttribute("name"), ocd.getAttribute("description"), attributes));
            }
        }
        return pids;
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element el) {
                String name = el.getLocalName() != null ? el.getLocalName() : el.getNodeName();
                if (name.equals(localName)) {
                    out.add(el);
                }
            }
        }
        return out;
    }

    static String envName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static String render(Pid pid) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(pid.pid()).append(": ").append(oneLine(pid.name()));
        if (!pid.description().isBlank()) {
            sb.append(" - ").append(oneLine(pid.description()));
        }
        sb.append('\n');
        sb.append("# Every key with its default. An environment variable (the key upper-cased, dots -> underscores)\n");
        sb.append("# overrides the value written here. Changes are picked up while the runtime runs.\n");
        for (Attribute a : pid.attributes()) {
            sb.append('\n');
            if (!a.description().isBlank()) {
                sb.append("# ").append(oneLine(a.description())).append('\n');
            }
            sb.append("# type ").append(a.type()).append(", environment variable ").append(envName(a.id()));
            if (!a.options().isEmpty()) {
                sb.append(", one of: ").append(String.join(", ", a.options()));
            }
            sb.append('\n');
            sb.append(a.id()).append(" = ").append(escape(a.defaultValue() == null ? "" : a.defaultValue())).append('\n');
        }
        return sb.toString();
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }

    /** Escapes a value for a FileInstall .cfg (java.util.Properties syntax). */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (i == 0 && c == ' ') {
                        sb.append("\\ ");
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
