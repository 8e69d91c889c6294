package org.lxcatastrophe.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.lxcatastrophe.api.config.ConfigValue;
import org.lxcatastrophe.api.config.EffectiveConfiguration;

/** {@code lxcat:config} through the real Gogo runtime: its options, and {@code --help} prints the usage. */
public class ConfigCommandTest {
    private ThreadIOImpl threadIO;
    private CommandProcessorImpl processor;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private CommandSession session;

    @Before
    public void gogo() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        ConfigCommand command = new ConfigCommand();
        command.configuration = new EffectiveConfiguration() {
            private final List<ConfigValue> all = List.of(
                    new ConfigValue("org.lxcatastrophe.image", "dist.name", "DIST_NAME", "debian",
                            ConfigValue.Source.DEFAULT, "debian", "Distribution", ""),
                    new ConfigValue("org.lxcatastrophe.shell", "shell.port", "SHELL_PORT", "0",
                            ConfigValue.Source.ENV, "8122", "Port", ""));

            @Override
            public List<ConfigValue> values() {
                return all;
            }

            @Override
            public List<ConfigValue> values(String pid) {
                return all.stream().filter(v -> v.pid().equals(pid)).toList();
            }

            @Override
            public void validate(String pid) {
            }
        };
        processor.addCommand("lxcat", command, "config");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @After
    public void stop() {
        session.close();
        threadIO.stop();
    }

    private String run(String line) throws Exception {
        out.reset();
        session.execute(line);
        System.out.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    public void helpPrintsTheUsage() throws Exception {
        for (String h : List.of("lxcat:config --help", "lxcat:config -h", "config --help")) {
            String o = run(h);
            assertEquals(h, ConfigCommand.USAGE + "\n", o);
        }
    }

    @Test
    public void theOptionsStillWork() throws Exception {
        String all = run("lxcat:config");
        assertTrue(all, all.contains("dist.name") && all.contains("shell.port") && all.contains("env SHELL_PORT"));
        String filtered = run("lxcat:config -f shell");
        assertTrue(filtered, filtered.contains("shell.port"));
        assertFalse(filtered, filtered.contains("dist.name"));
        String md = run("lxcat:config --markdown --filter image");
        assertTrue(md, md.startsWith("| Key | Environment variable | PID | Default | Description |\n"));
        assertTrue(md, md.contains("| `dist.name` | `DIST_NAME` | org.lxcatastrophe.image | `debian` | Distribution |"));
        assertFalse(md, md.contains("shell.port"));
    }
}
