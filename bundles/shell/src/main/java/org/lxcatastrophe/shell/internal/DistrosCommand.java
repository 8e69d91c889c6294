package org.lxcatastrophe.shell.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.Descriptor;
import org.lxcatastrophe.api.distro.DistroAdapter;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@code lxcat:distros}: the distro adapters registered right now (plugins come and go through deploy/). */
@Component(service = DistrosCommand.class, property = { "osgi.command.scope=lxcat", "osgi.command.function=distros" })
public class DistrosCommand {

    /** One row of the table. */
    record Row(String name, String description, String bundle) {
    }

    private final Map<ServiceReference<DistroAdapter>, DistroAdapter> adapters = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAdapter(ServiceReference<DistroAdapter> ref, DistroAdapter adapter) {
        adapters.put(ref, adapter);
    }

    void removeAdapter(ServiceReference<DistroAdapter> ref) {
        adapters.remove(ref);
    }

    @Descriptor("Lists the distro adapters (plugins) available now: name, description and the bundle that provides it")
    public void distros() {
        print(rows(), System.out);
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        adapters.forEach((ref, adapter) -> {
            Bundle b = ref.getBundle();
            String bundle = b == null ? "(gone)"
                    : b.getSymbolicName() + " " + b.getVersion() + " [" + b.getBundleId() + "]";
            String name;
            String description;
            try {
                name = adapter.name();
                description = adapter.description();
            } catch (RuntimeException e) {
                name = "?";
                description = "(failed: " + e.getMessage() + ")";
            }
            rows.add(new Row(name, description, bundle));
        });
        rows.sort(Comparator.comparing(Row::name));
        return rows;
    }

    static void print(List<Row> rows, PrintStream out) {
        if (rows.isEmpty()) {
            out.println("No distro adapters. Copy a distro plugin bundle into deploy/ to add one.");
            return;
        }
        int nw = Math.max(4, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        int dw = Math.max(11, rows.stream().mapToInt(r -> r.description().length()).max().orElse(0));
        out.println(StatusCommand.pad("NAME", nw) + "  " + StatusCommand.pad("DESCRIPTION", dw) + "  BUNDLE");
        for (Row r : rows) {
            out.println(StatusCommand.pad(r.name(), nw) + "  " + StatusCommand.pad(r.description(), dw) + "  " + r.bundle());
        }
    }
}
