package org.lxcatastrophe.shell.internal;

import java.io.PrintStream;

import org.apache.felix.service.command.Descriptor;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.network.HostNetwork;
import org.lxcatastrophe.api.network.InterfacePlan;
import org.lxcatastrophe.api.network.NetworkPlan;
import org.lxcatastrophe.api.network.Route;
import org.lxcatastrophe.shell.ContainerCommands.CommandFailed;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code lxcat:network}: the network identity the system container takes over, as captured now (changes nothing). */
@Component(service = NetworkCommand.class, property = { "osgi.command.scope=lxcat", "osgi.command.function=network" })
public class NetworkCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile HostNetwork network;

    @Descriptor("Shows the network the system container takes over: the wrapper's interfaces with their MAC, MTU,"
            + " addresses, gateways and routes, and the DNS it gets (read from the wrapper now; nothing is changed)")
    public void network() throws CommandFailed {
        HostNetwork n = network;
        if (n == null) {
            throw new CommandFailed("no host network service: is the org.lxcatastrophe.network bundle active? (lb)");
        }
        try {
            print(n.capture(), System.out);
        } catch (LxcatException e) {
            throw new CommandFailed(e.getMessage());
        }
    }

    static void print(NetworkPlan plan, PrintStream out) {
        if (plan.interfaces().isEmpty()) {
            out.println("no interface to take over (the container gets no network)");
        }
        for (InterfacePlan i : plan.interfaces()) {
            out.println(i.name() + "  mac " + i.mac() + "  mtu " + i.mtu());
            i.addresses().forEach(a -> out.println("  address  " + a));
            if (i.gateway4() != null) {
                out.println("  gateway  " + i.gateway4());
            }
            if (i.gateway6() != null) {
                out.println("  gateway  " + i.gateway6());
            }
            for (Route r : i.routes()) {
                out.println("  route    " + r.destination() + (r.gateway() == null ? "" : " via " + r.gateway())
                        + (r.metric() >= 0 ? " metric " + r.metric() : ""));
            }
        }
        out.println("dns      " + (plan.dns().servers().isEmpty() ? "(none)" : String.join(" ", plan.dns().servers()))
                + (plan.dns().search().isEmpty() ? "" : "  search " + String.join(" ", plan.dns().search())));
    }
}
