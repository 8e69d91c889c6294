package org.lxcatastrophe.shell.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.lxcatastrophe.api.container.ContainerLifecycle;
import org.lxcatastrophe.api.container.ContainerStatus;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code lxcat:status}: the container's state and what the lifecycle is wired to. */
@Component(service = StatusCommand.class, property = { "osgi.command.scope=lxcat", "osgi.command.function=status" })
public class StatusCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ContainerLifecycle lifecycle;

    @Descriptor("Shows the system container: state, init pid, image, uptime, addresses and the services the lifecycle uses")
    public void status() {
        print(lifecycle, System.out, Instant.now());
    }

    static void print(ContainerLifecycle lifecycle, PrintStream out, Instant now) {
        if (lifecycle == null) {
            out.println("No container lifecycle service: the lifecycle bundle is not active, so no container is managed.");
            out.println("Check the log, or run 'lb' to see which bundle is not active.");
            return;
        }
        ContainerStatus s = lifecycle.status();
        out.println("name      " + s.name());
        out.println("state     " + s.state());
        out.println("pid       " + (s.pid() > 0 ? Long.toString(s.pid()) : "-"));
        out.println("image     " + (s.image() == null || s.image().isEmpty() ? "-" : s.image()));
        out.println("uptime    " + (s.startedAt() == null ? "-" : uptime(Duration.between(s.startedAt(), now))));
        out.println("addresses " + (s.addresses().isEmpty() ? "-" : String.join(", ", s.addresses())));
        if (s.message() != null && !s.message().isEmpty()) {
            out.println("message   " + s.message());
        }
        Map<String, String> wiring = lifecycle.wiring();
        out.println("wiring");
        if (wiring.isEmpty()) {
            out.println("  -");
        }
        int width = wiring.keySet().stream().mapToInt(String::length).max().orElse(0);
        wiring.forEach((service, description) -> out.println("  " + pad(service, width) + "  " + description));
    }

    static String uptime(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        long days = d.toDays();
        StringBuilder sb = new StringBuilder();
        if (days > 0) {
            sb.append(days).append("d ");
        }
        sb.append(String.format("%02d:%02d:%02d", d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart()));
        return sb.toString();
    }

    static String pad(String s, int width) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < width) {
            sb.append(' ');
        }
        return sb.toString();
    }
}
