package org.lxcatastrophe.network.host;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A {@link NetworkConfig} with the OCD defaults and some overrides (keys as in the OCD: network.dns.mode ...). */
final class Configs {
    private Configs() {
    }

    static NetworkConfig of(Map<String, Object> overrides) {
        return (NetworkConfig) Proxy.newProxyInstance(NetworkConfig.class.getClassLoader(),
                new Class<?>[] {NetworkConfig.class}, (proxy, method, args) -> {
                    String key = method.getName().replace('_', '.');
                    if (overrides.containsKey(key)) {
                        return overrides.get(key);
                    }
                    if (method.getName().equals("annotationType")) {
                        return NetworkConfig.class;
                    }
                    return method.getDefaultValue();
                });
    }

    static Settings settings(Map<String, Object> overrides) throws Exception {
        return Settings.from(of(overrides));
    }
}
