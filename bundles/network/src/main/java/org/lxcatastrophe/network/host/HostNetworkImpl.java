package org.lxcatastrophe.network.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lxcatastrophe.api.ConfigurationException;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.network.HostNetwork;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.network.dns.DnsForwarder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/** The wrapper's network, handed over to the system container. */
@Component(service = HostNetwork.class, configurationPid = "org.lxcatastrophe.network",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = NetworkConfig.class)
public class HostNetworkImpl implements HostNetwork {
    private static final Logger LOG = Logger.getLogger(HostNetworkImpl.class.getName());

    private final CommandRunner runner;
    private volatile Settings settings;
    private DnsForwarder forwarder;
    private List<String> upstreams = List.of();

    public HostNetworkImpl() {
        this(new ProcessRunner(30));
    }

    HostNetworkImpl(CommandRunner runner) {
        this.runner = runner;
    }

    @Activate
    @Modified
    void configure(NetworkConfig config) throws ConfigurationException {
        this.settings = Settings.from(config);
    }

    @Deactivate
    synchronized void deactivate() {
        stopForwarder();
    }

    @Override
    public synchronized NetworkPlan capture() throws LxcatException {
        Settings s = settings;
        IpState state = IpState.read(runner);
        List<IpState.Link> links = PlanBuilder.select(state, s);
        Bridger bridger = new Bridger(runner, s.bridgePrefix());
        boolean bridged = false;
        for (int n = 0; n < links.size(); n++) {
            if (links.get(n).master() != null) {
                if (!links.get(n).master().startsWith(s.bridgePrefix())) {
                    throw new LxcatException("interface " + links.get(n).name() + " is already in bridge "
                            + links.get(n).master() + " that lxcatastrophe did not make; remove it from the bridge"
                            + " or from network.interfaces");
                }
                bridged = true;
            }
        }
        if (bridged) {
            return recover(s);
        }
        ResolvConf resolv = readResolvConf(s.resolvConf());
        PlanBuilder.Captured captured = PlanBuilder.build(links, state, resolv, s);
        this.upstreams = captured.upstreams();
        LOG.info("captured " + describe(captured.plan()));
        return captured.plan();
    }

    private NetworkPlan recover(Settings s) throws LxcatException {
        try {
            PlanStore.Saved saved = PlanStore.load(s.stateFile());
            this.upstreams = saved.upstreams();
            LOG.info("the wrapper is already bridged: recovered the saved plan " + s.stateFile() + ": "
                    + describe(saved.plan()));
            return saved.plan();
        } catch (NoSuchFileException e) {
            throw new LxcatException("the wrapper's interfaces are already bridged but the saved plan "
                    + s.stateFile() + " is missing; restart the Docker container to start from its own network");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "reading the saved plan failed", e);
            throw new LxcatException("cannot read the saved network plan " + s.stateFile() + ": " + e.getMessage()
                    + "; restart the Docker container to start from its own network");
        }
    }

    @Override
    public synchronized List<String> bridge(NetworkPlan plan) throws LxcatException {
        Settings s = settings;
        if (!s.force() && !ContainerCheck.insideContainer()) {
            throw new LxcatException("this host does not look like a container: taking over its interfaces ("
                    + String.join(", ", plan.interfaces().stream().map(i -> i.name()).toList())
                    + ") would cut it off the network; set network.force=true (NETWORK_FORCE) to do it anyway");
        }
        Bridger bridger = new Bridger(runner, s.bridgePrefix());
        if (plan.interfaces().isEmpty()) {
            return List.of("lxc.net.0.type = empty");
        }
        boolean forward = !upstreams.isEmpty() && plan.dns().servers().contains(s.dnsAddress());
        IpState state = IpState.read(runner);
        bridger.bridge(plan, state, forward ? s.dnsAddress() : null);
        try {
            PlanStore.save(s.stateFile(), plan, upstreams);
        } catch (IOException e) {
            LOG.warning("cannot save the network plan to " + s.stateFile() + " (" + e.getMessage()
                    + "); a restart of the runtime will not be able to recover it");
        }
        if (forward) {
            startForwarder(s);
        }
        return bridger.lxcLines(plan);
    }

    private void startForwarder(Settings s) throws LxcatException {
        stopForwarder();
        try {
            forwarder = new DnsForwarder(s.dnsAddress(), 53, upstreams, 3000);
        } catch (IOException e) {
            throw new LxcatException("cannot start the DNS forwarder on " + s.dnsAddress() + ":53: " + e.getMessage()
                    + "; set network.dns.mode=direct (NETWORK_DNS_MODE) to hand the container other servers");
        }
    }

    private void stopForwarder() {
        if (forwarder != null) {
            forwarder.close();
            forwarder = null;
        }
    }

    private static ResolvConf readResolvConf(Path file) {
        try {
            return ResolvConf.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warning("cannot read " + file + " (" + e.getMessage() + "): the container gets no DNS server");
            return ResolvConf.parse("");
        }
    }

    static String describe(NetworkPlan plan) {
        StringBuilder sb = new StringBuilder();
        plan.interfaces().forEach(i -> sb.append(i.name()).append(' ').append(i.mac()).append(" mtu ").append(i.mtu())
                .append(' ').append(i.addresses()).append(" gw ").append(i.gateway4() == null ? "none" : i.gateway4())
                .append(i.gateway6() == null ? "" : " gw6 " + i.gateway6()).append("; "));
        sb.append("dns ").append(plan.dns().servers());
        return sb.toString();
    }
}
