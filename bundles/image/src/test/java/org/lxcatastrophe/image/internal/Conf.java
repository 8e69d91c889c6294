package org.lxcatastrophe.image.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** An {@link ImageConfig} with the metatype defaults and some values changed, as Config Admin would hand it over. */
final class Conf {
    private Conf() {
    }

    static ImageConfig of(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(((String) keyValues[i]).replace('.', '_'), keyValues[i + 1]);
        }
        return (ImageConfig) Proxy.newProxyInstance(ImageConfig.class.getClassLoader(), new Class<?>[] {ImageConfig.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("annotationType")) {
                        return ImageConfig.class;
                    }
                    if (m.getDeclaringClass() == Object.class) {
                        return m.getName().equals("toString") ? values.toString() : m.getName().equals("hashCode") ? 0 : false;
                    }
                    return values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue();
                });
    }
}
