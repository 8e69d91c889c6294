package org.lxcatastrophe.network.host;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = "org.lxcatastrophe.network", name = "lxcatastrophe host network",
        description = "Which of the wrapper's interfaces the system container takes over, and how it resolves names.")
public @interface NetworkConfig {

    @AttributeDefinition(name = "network.interfaces", required = false,
            description = "Comma-separated interfaces to hand to the container; empty: every eth* with a global address.")
    String network_interfaces() default "";

    @AttributeDefinition(name = "network.force",
            description = "Take over the interfaces even when this host does not look like a container.")
    boolean network_force() default false;

    @AttributeDefinition(name = "network.dns.mode",
            description = "auto: forward when the wrapper's resolv.conf names a loopback server, else pass the servers on;"
                    + " forward: always run the DNS forwarder; direct: pass the non-loopback servers on.")
    String network_dns_mode() default "auto";

    @AttributeDefinition(name = "network.dns.address",
            description = "IPv4 address the wrapper keeps on the first bridge for the DNS forwarder (link-local).")
    String network_dns_address() default "169.254.53.1";

    @AttributeDefinition(name = "network.dns.upstream", required = false,
            description = "Comma-separated upstream servers for the forwarder; empty: the wrapper's resolv.conf servers.")
    String network_dns_upstream() default "";

    @AttributeDefinition(name = "network.bridge.prefix",
            description = "Bridge names: prefix + interface index (lxcat0, lxcat1, ...).")
    String network_bridge_prefix() default "lxcat";

    @AttributeDefinition(name = "network.state.file",
            description = "Where the captured plan is saved, to recover it when the wrapper is already bridged.")
    String network_state_file() default "/run/lxcatastrophe/network-plan.json";

    @AttributeDefinition(name = "network.resolv.conf", description = "The wrapper's resolver configuration.")
    String network_resolv_conf() default "/etc/resolv.conf";
}
