package org.lxcatastrophe.network.render;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.lxcatastrophe.api.distro.NetworkFormat;
import org.lxcatastrophe.api.distro.RenderedFile;
import org.lxcatastrophe.api.network.NetworkPlan;

/**
 * Every format against every plan, compared with the golden files in src/test/resources/golden/<format>/<case>.txt.
 * Run with -Dgolden.update=true to rewrite them after a deliberate change (then review the diff).
 */
@RunWith(Parameterized.class)
public class GoldenRendererTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Parameters(name = "{0} {1}")
    public static List<Object[]> cases() {
        List<Object[]> cases = new ArrayList<>();
        for (NetworkFormat format : NetworkFormat.values()) {
            for (Object[] plan : Plans.ALL) {
                cases.add(new Object[] {format, plan[0], plan[1]});
            }
        }
        return cases;
    }

    private final NetworkFormat format;
    private final String name;
    private final NetworkPlan plan;

    public GoldenRendererTest(NetworkFormat format, String name, NetworkPlan plan) {
        this.format = format;
        this.name = name;
        this.plan = plan;
    }

    static String dump(List<RenderedFile> files) {
        StringBuilder sb = new StringBuilder();
        for (RenderedFile f : files) {
            sb.append("### ").append(f.path()).append(" mode ").append(String.format("%04o", f.mode())).append('\n');
            sb.append(f.content());
        }
        return sb.toString();
    }

    @Test
    public void matchesGoldenFile() throws IOException {
        String actual = dump(new SharedNetworkRenderer().render(format, plan));
        Path golden = GOLDEN.resolve(format.name().toLowerCase()).resolve(name + ".txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertTrue("missing golden file " + golden + " (run with -Dgolden.update=true)", Files.exists(golden));
        assertEquals(format + " " + name, Files.readString(golden, StandardCharsets.UTF_8), actual);
    }
}
