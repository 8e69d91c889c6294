package org.lxcatastrophe.itests;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.Test;

/**
 * The README must stay true: every configuration key the assembled distribution ships in {@code etc/} (generated from
 * the components' metatype, so it follows the code) and its environment variable are documented, and the README begins
 * with the two commands (run the main job, run the tests) that {@code .ci/run} relies on.
 */
public class ReadmeDocumentsConfigurationTest {
    private static final Path DISTRIBUTION = Path.of(System.getProperty("lxcat.distribution", "../distribution/target/lxcatastrophe"));
    private static final Path README = Path.of(System.getProperty("lxcat.readme", "../README.md"));

    @Test
    public void everyShippedKeyAndItsEnvironmentVariableIsDocumented() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        int keys = 0;
        try (Stream<Path> cfgs = Files.list(DISTRIBUTION.resolve("etc"))) {
            for (Path cfg : cfgs.filter(p -> p.getFileName().toString().startsWith("org.lxcatastrophe.")).sorted().toList()) {
                Properties p = new Properties();
                try (var in = Files.newBufferedReader(cfg)) {
                    p.load(in);
                }
                for (String key : p.stringPropertyNames()) {
                    keys++;
                    String env = key.toUpperCase(Locale.ROOT).replace('.', '_');
                    if (!readme.contains("`" + key + "`")) {
                        missing.add(cfg.getFileName() + ": key `" + key + "`");
                    }
                    if (!readme.contains("`" + env + "`")) {
                        missing.add(cfg.getFileName() + ": environment variable `" + env + "`");
                    }
                }
            }
        }
        assertTrue("the distribution ships no etc/org.lxcatastrophe.*.cfg keys in " + DISTRIBUTION, keys > 20);
        assertTrue("README.md does not document: " + String.join("; ", missing), missing.isEmpty());
    }

    @Test
    public void readmeBeginsWithTheRunAndTestCommands() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String ci = Files.readString(README.resolveSibling(".ci").resolve("run"), StandardCharsets.UTF_8);
        int firstBlock = readme.indexOf("```");
        int secondHeading = readme.indexOf("\n## ");
        assertTrue("README.md must begin with a code block holding the two commands", firstBlock >= 0
                && (secondHeading < 0 || firstBlock < secondHeading));
        String block = readme.substring(readme.indexOf('\n', firstBlock) + 1, readme.indexOf("```", firstBlock + 3));
        List<String> commands = block.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.replaceAll("\\s+#.*$", "")).toList();
        assertTrue("README's first code block must hold exactly two commands, found " + commands, commands.size() == 2);
        String testCommand = commands.get(1);
        assertTrue(".ci/run must run the README's test command `" + testCommand + "`", ci.contains(testCommand));
    }
}
