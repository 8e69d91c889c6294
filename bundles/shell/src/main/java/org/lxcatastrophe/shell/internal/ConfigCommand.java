package org.lxcatastrophe.shell.internal;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.lxcatastrophe.api.config.ConfigValue;
import org.lxcatastrophe.api.config.EffectiveConfiguration;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code lxcat:config}: every configuration key, its effective value and where it came from. */
@Component(service = ConfigCommand.class, property = { "osgi.command.scope=lxcat", "osgi.command.function=config" })
public class ConfigCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EffectiveConfiguration configuration;

    @Descriptor("Shows every configuration key with its effective value and its source (default, etc file, env)")
    public void config(
            @Descriptor("print the keys as a Markdown table (key, variable, default, description)")
            @Parameter(names = { "-m", "--markdown" }, presentValue = "true", absentValue = "false") boolean markdown,
            @Descriptor("only keys whose PID or key contains this text")
            @Parameter(names = { "-f", "--filter" }, absentValue = "") String filter,
            @Descriptor("print this usage")
            @Parameter(names = { "-h", "--help" }, presentValue = "true", absentValue = "false") boolean help) throws Exception {
        if (help) {
            System.out.println(USAGE);
            return;
        }
        EffectiveConfiguration c = configuration;
        if (c == null) {
            throw new IllegalStateException("The configuration service is not available: the bundle"
                    + " org.lxcatastrophe.config is not active; check the log");
        }
        List<ConfigValue> values = c.values().stream()
                .filter(v -> filter.isEmpty() || v.pid().contains(filter) || v.key().contains(filter))
                .collect(Collectors.toList());
        if (markdown) {
            markdown(values, System.out);
        } else {
            print(values, System.out);
        }
    }

    static final String USAGE = String.join("\n",
            "usage: lxcat:config [-m|--markdown] [-f|--filter TEXT]",
            "  shows every configuration key with its effective value and its source (default, etc file, env)",
            "  -m, --markdown     print the keys as a Markdown table (key, variable, default, description)",
            "  -f, --filter TEXT  only keys whose PID or key contains TEXT",
            "  -h, --help         print this usage");

    static void print(List<ConfigValue> values, PrintStream out) {
        if (values.isEmpty()) {
            out.println("No configuration keys.");
            return;
        }
        int kw = values.stream().mapToInt(v -> v.key().length()).max().orElse(0);
        int vw = Math.min(40, Math.max(5, values.stream().mapToInt(v -> oneLine(v.value()).length()).max().orElse(0)));
        String pid = null;
        for (ConfigValue v : values) {
            if (!v.pid().equals(pid)) {
                pid = v.pid();
                out.println(pid);
            }
            String source = switch (v.source()) {
                case ENV -> "env " + v.envVar();
                case FILE -> "etc/" + v.pid() + ".cfg";
                case DEFAULT -> "default";
            };
            out.println("  " + StatusCommand.pad(v.key(), kw) + "  " + StatusCommand.pad(oneLine(v.value()), vw) + "  " + source
                    + (v.valid() ? "" : "  INVALID: " + v.problem()));
        }
    }

    /** A value on one line of the table: each line break (several ssh keys, LXC lines) shown as backslash-n. */
    static String oneLine(String value) {
        return value.replace("\r", "").replace("\n", "\\n");
    }

    static void markdown(List<ConfigValue> values, PrintStream out) {
        out.println("| Key | Environment variable | PID | Default | Description |");
        out.println("| --- | --- | --- | --- | --- |");
        for (ConfigValue v : values) {
            out.println("| `" + v.key() + "` | `" + envDefault(v) + "` | " + v.pid() + " | "
                    + (v.defaultValue().isEmpty() ? "" : "`" + v.defaultValue() + "`") + " | "
                    + v.description().replace("|", "\\|") + " |");
        }
    }

    /** The key's own variable (not an alias that happens to be set). */
    private static String envDefault(ConfigValue v) {
        return v.key().toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
