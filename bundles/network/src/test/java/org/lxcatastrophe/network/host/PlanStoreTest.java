package org.lxcatastrophe.network.host;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.lxcatastrophe.api.network.NetworkPlan;

public class PlanStoreTest {
    @Test
    public void roundTrip() throws Exception {
        Settings s = Configs.settings(Map.of());
        IpState state = IpState.parse(IpStateTest.ADDR, IpStateTest.ROUTE4, IpStateTest.ROUTE6);
        NetworkPlan plan = PlanBuilder.build(PlanBuilder.select(state, s), state,
                ResolvConf.parse("search a.test\nnameserver 127.0.0.11\noptions ndots:0\n"), s).plan();
        Path dir = Files.createTempDirectory("network-store-");
        Path file = dir.resolve("sub/plan.json");
        PlanStore.save(file, plan, List.of("127.0.0.11"));
        PlanStore.Saved saved = PlanStore.load(file);
        assertEquals(plan, saved.plan());
        assertEquals(List.of("127.0.0.11"), saved.upstreams());
        Files.delete(file);
        Files.delete(file.getParent());
        Files.delete(dir);
    }
}
