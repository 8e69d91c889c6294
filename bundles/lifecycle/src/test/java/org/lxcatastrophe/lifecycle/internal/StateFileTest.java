package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.Test;

public class StateFileTest {
    @Test
    public void propertiesLoadReadsBackWhatItWrites() throws Exception {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("idmap.base", "100000");
        in.put("image", "debian bookworm amd64 default 20261201_00:00");
        in.put("created", "2026-12-04T08:31:37.123Z");
        in.put("odd key=:", " leading space, a\\backslash, #hash !bang\ttab\nnewline\rcr\fff é ☃ \u0001");
        in.put("empty", "");
        String text = StateFile.format("lxcatastrophe container state", in);

        Properties p = new Properties();
        p.load(new StringReader(text));
        assertEquals(in.size(), p.size());
        in.forEach((k, v) -> assertEquals(k, v, p.getProperty(k)));
        // one line per entry after the comment: nothing the value held broke a line
        assertEquals(1 + in.size(), text.lines().count());
        assertEquals("image=debian bookworm amd64 default 20261201_00\\:00", text.lines().toList().get(2));
    }

    @Test
    public void theCommentCarriesNoDate() {
        String text = StateFile.format("state", Map.of("a", "b"));
        assertEquals("# state\na=b\n", text);
        assertFalse(text.contains("UTC"));
    }
}
