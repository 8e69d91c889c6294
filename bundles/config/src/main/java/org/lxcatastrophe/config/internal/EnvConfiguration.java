package org.lxcatastrophe.config.internal;

import java.io.IOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.config.ConfigValue;
import org.lxcatastrophe.api.config.ConfigValue.Source;
import org.lxcatastrophe.api.config.EffectiveConfiguration;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Environment variables override {@code etc/<pid>.cfg}, Karaf-style.
 * <p>
 * A Config Admin {@link ConfigurationPlugin} puts the environment's values into every configuration Config Admin
 * hands out (Felix SCR reads configurations through {@code getProcessedProperties}, which applies plugins). For a PID
 * that has no configuration yet but an environment value, an empty configuration is created as soon as its bundle
 * resolves, before Declarative Services reads it, so the override also works without an etc file. The keys of a
 * PID come from its metatype. Values are checked against the metatype; an invalid one is logged as one line naming
 * the key and its variable; while the runtime starts (see {@link StartupGate}) it then stops with exit status 2.
 */
@Component(immediate = true, service = { ConfigurationPlugin.class, EffectiveConfiguration.class,
        ConfigurationListener.class }, property = { ConfigurationPlugin.CM_RANKING + ":Integer=100" })
public class EnvConfiguration implements ConfigurationPlugin, EffectiveConfiguration, ConfigurationListener {

    static final String PID_PREFIX = "org.lxcatastrophe.";

    private static final Logger LOG = Logger.getLogger("org.lxcatastrophe.config.Configuration");

    private final Map<String, String> env;
    /** bundle id -> PID -> key -> info */
    private final Map<Long, Map<String, Map<String, KeyInfo>>> byBundle = new ConcurrentHashMap<>();

    @Reference
    ConfigurationAdmin configAdmin;
    @Reference
    MetaTypeService metaType;

    private BundleContext context;
    private final SynchronousBundleListener bundleListener = this::bundleChanged;
    private final FrameworkListener frameworkListener = this::frameworkEvent;

    public EnvConfiguration() {
        this(System.getenv());
    }

    EnvConfiguration(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Activate
    void activate(BundleContext bc) {
        this.context = bc;
        StartupGate.init(bc);
        bc.addBundleListener(bundleListener);
        bc.addFrameworkListener(frameworkListener);
        for (Bundle b : bc.getBundles()) {
            if ((b.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE)) != 0) {
                addBundle(b);
            }
        }
        if (!StartupGate.starting()) {
            checkAll(false);
        }
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(bundleListener);
        context.removeFrameworkListener(frameworkListener);
        byBundle.clear();
    }

    private void bundleChanged(BundleEvent event) {
        Bundle b = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.RESOLVED:
            case BundleEvent.STARTING:
            case BundleEvent.UPDATED:
                if (event.getType() == BundleEvent.UPDATED) {
                    byBundle.remove(b.getBundleId());
                }
                if (!byBundle.containsKey(b.getBundleId()) && b.getState() != Bundle.INSTALLED) {
                    addBundle(b);
                }
                break;
            case BundleEvent.UNRESOLVED:
            case BundleEvent.UNINSTALLED:
                byBundle.remove(b.getBundleId());
                break;
            default:
                break;
        }
    }

    private void frameworkEvent(FrameworkEvent event) {
        if (StartupGate.frameworkEvent(context, event)) {
            checkDuplicates();
        }
    }

    /** Reads a bundle's metatype, creates the configurations the environment needs, checks its values. */
    void addBundle(Bundle b) {
        Map<String, Map<String, KeyInfo>> pids = readMetaType(b);
        if (pids.isEmpty()) {
            return;
        }
        byBundle.put(b.getBundleId(), pids);
        for (String pid : pids.keySet()) {
            ensureConfiguration(pid, pids.get(pid).keySet());
        }
        boolean invalid = false;
        for (String pid : pids.keySet()) {
            invalid |= logProblems(pid);
        }
        if (invalid && StartupGate.starting()) {
            StartupGate.fail(context);
        }
    }

    /** What {@link #addBundle} records for a bundle's metatype (tests give it directly). */
    void recordKeys(long bundleId, Map<String, Map<String, KeyInfo>> pids) {
        byBundle.put(bundleId, pids);
    }

    private Map<String, Map<String, KeyInfo>> readMetaType(Bundle b) {
        Map<String, Map<String, KeyInfo>> pids = new TreeMap<>();
        MetaTypeInformation info;
        try {
            info = metaType.getMetaTypeInformation(b);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "No metatype for " + b.getSymbolicName(), e);
            return pids;
        }
        if (info == null) {
            return pids;
        }
        List<String> all = new ArrayList<>(Arrays.asList(info.getPids()));
        all.addAll(Arrays.asList(info.getFactoryPids()));
        for (String pid : all) {
            if (!pid.startsWith(PID_PREFIX)) {
                continue; // only our own configuration namespace takes environment overrides
            }
            ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
            if (ocd == null) {
                continue;
            }
            Map<String, KeyInfo> keys = new TreeMap<>();
            AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
            if (ads == null) {
                continue;
            }
            for (AttributeDefinition ad : ads) {
                List<String> defaults = ad.getDefaultValue() == null ? List.of() : Arrays.asList(ad.getDefaultValue());
                List<String> options = ad.getOptionValues() == null ? List.of() : Arrays.asList(ad.getOptionValues());
                keys.put(ad.getID(), new KeyInfo(pid, ad.getID(), ad.getType(), ad.getCardinality(), defaults,
                        options, false, oneLine(ad.getDescription())));
            }
            pids.put(pid, keys);
        }
        return pids;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s+", " ");
    }

    /** Creates an empty configuration for {@code pid} when the environment sets one of its keys and none exists. */
    private void ensureConfiguration(String pid, Collection<String> keys) {
        boolean overridden = keys.stream().anyMatch(k -> EnvNames.lookup(k, env).isPresent());
        if (!overridden || pid.contains("~")) {
            return;
        }
        try {
            if (existing(pid).isEmpty()) {
                Configuration c = configAdmin.getConfiguration(pid, "?");
                if (c.getProperties() == null) {
                    c.update(new Hashtable<>());
                    LOG.fine("Created configuration " + pid + " for environment overrides");
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not create configuration " + pid + " for environment overrides: "
                    + e.getMessage(), e);
        }
    }

    private Optional<Configuration> existing(String pid) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            return found == null || found.length == 0 ? Optional.empty() : Optional.of(found[0]);
        } catch (IOException | InvalidSyntaxException e) {
            return Optional.empty();
        }
    }

    // ---- ConfigurationPlugin

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        Object factoryPid = properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
        Object pid = factoryPid != null ? factoryPid : properties.get(Constants.SERVICE_PID);
        if (pid == null) {
            return;
        }
        Map<String, KeyInfo> keys = keys(pid.toString());
        for (KeyInfo info : keys.values()) {
            Optional<Map.Entry<String, String>> override = EnvNames.lookup(info.key(), env);
            if (override.isPresent()) {
                String value = override.get().getValue();
                properties.put(info.key(), info.multiValued() ? Validation.split(value).toArray(new String[0]) : value);
            }
        }
    }

    // ---- EffectiveConfiguration

    Map<String, KeyInfo> keys(String pid) {
        Map<String, KeyInfo> keys = new TreeMap<>();
        for (Map<String, Map<String, KeyInfo>> pids : byBundle.values()) {
            Map<String, KeyInfo> k = pids.get(pid);
            if (k != null) {
                keys.putAll(k);
            }
        }
        return keys;
    }

    private List<String> pids() {
        return byBundle.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted()
                .collect(Collectors.toList());
    }

    @Override
    public List<ConfigValue> values() {
        List<ConfigValue> all = new ArrayList<>();
        for (String pid : pids()) {
            all.addAll(values(pid));
        }
        return all;
    }

    @Override
    public List<ConfigValue> values(String pid) {
        Dictionary<String, Object> raw = existing(pid).map(Configuration::getProperties).orElse(null);
        List<ConfigValue> values = new ArrayList<>();
        for (KeyInfo info : keys(pid).values()) {
            values.add(value(info, raw));
        }
        values.sort(Comparator.comparing(ConfigValue::key));
        return values;
    }

    private ConfigValue value(KeyInfo info, Dictionary<String, Object> raw) {
        String envVar = EnvNames.envName(info.key());
        Optional<Map.Entry<String, String>> override = EnvNames.lookup(info.key(), env);
        String value;
        Source source;
        if (override.isPresent()) {
            value = override.get().getValue();
            source = Source.ENV;
            envVar = override.get().getKey();
        } else if (raw != null && raw.get(info.key()) != null) {
            value = text(raw.get(info.key()));
            source = Source.FILE;
        } else {
            value = String.join(",", info.defaults());
            source = Source.DEFAULT;
        }
        String problem = Validation.problem(info, value);
        String shown = shown(value);
        if (!shown.equals(value) && !problem.isEmpty()) {
            problem = "a private key is not a valid value";   // the problem would quote it
        }
        return new ConfigValue(info.pid(), info.key(), envVar, shown, source, String.join(",", info.defaults()),
                info.description(), problem);
    }

    static final String PRIVATE_KEY_HIDDEN = "(not shown: this value holds a PRIVATE key; give the public key instead)";

    /**
     * The value as {@link #values()} hands it out (lxcat:config prints it, messages quote it): a private key pasted
     * by mistake, e.g. into SSH_AUTHORIZED_KEYS, is never shown.
     */
    static String shown(String value) {
        if (value != null && (value.contains("PRIVATE KEY") || value.contains("PuTTY-User-Key-File-")
                || value.contains("openssh-key-v1") || value.contains("b3BlbnNzaC1rZXktdjE"))) {
            return PRIVATE_KEY_HIDDEN;
        }
        return value;
    }

    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                parts.add(String.valueOf(Array.get(value, i)));
            }
            return String.join(",", parts);
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    @Override
    public void validate(String pid) throws ConfigurationException {
        for (ConfigValue v : values(pid)) {
            if (!v.valid()) {
                throw new ConfigurationException(v.key(), message(v));
            }
        }
    }

    /** One line: what is wrong, which key, which variable, what to do. */
    static String message(ConfigValue v) {
        String from = switch (v.source()) {
            case ENV -> "from environment variable " + v.envVar();
            case FILE -> "from etc/" + v.pid() + ".cfg";
            case DEFAULT -> "the default";
        };
        return "Invalid configuration " + v.key() + "=" + v.value() + " (" + from + "): " + v.problem() + "; set "
                + v.envVar() + " or " + v.key() + " in etc/" + v.pid() + ".cfg to a valid value";
    }

    /** Logs one line per invalid value of {@code pid}; returns whether there was one. */
    private boolean logProblems(String pid) {
        boolean invalid = false;
        for (ConfigValue v : values(pid)) {
            if (!v.valid()) {
                LOG.severe(message(v));
                invalid = true;
            }
        }
        return invalid;
    }

    private void checkAll(boolean exitOnProblem) {
        boolean invalid = false;
        for (String pid : pids()) {
            invalid |= logProblems(pid);
        }
        if (invalid && exitOnProblem) {
            StartupGate.fail(context);
        }
    }

    private void checkDuplicates() {
        Map<String, List<String>> owners = new LinkedHashMap<>();
        for (Map<String, Map<String, KeyInfo>> pids : byBundle.values()) {
            pids.forEach((pid, keys) -> keys.keySet()
                    .forEach(k -> owners.computeIfAbsent(k, x -> new ArrayList<>()).add(pid)));
        }
        owners.forEach((key, pids) -> {
            if (pids.stream().distinct().count() > 1) {
                LOG.warning("Configuration key " + key + " is declared by several PIDs " + pids + "; "
                        + EnvNames.envName(key) + " sets all of them");
            }
        });
    }

    // ---- ConfigurationListener: a changed etc file is checked again

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED && !StartupGate.starting()) {
            String pid = event.getFactoryPid() != null ? event.getFactoryPid() : event.getPid();
            if (!keys(pid).isEmpty()) {
                logProblems(pid);
            }
        }
    }
}
