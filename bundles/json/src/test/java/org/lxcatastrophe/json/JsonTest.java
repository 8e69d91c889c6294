package org.lxcatastrophe.json;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

public class JsonTest {
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    public void valuesOfEveryKind() throws Exception {
        Object v = Json.parse(" {\"s\": \"x\", \"i\": -12, \"l\": 12345678901, \"b\": 123456789012345678901234567890,"
                + " \"d\": 1.5e3, \"f\": -0.25, \"t\": true, \"n\": null, \"a\": [1, [], {}, false], \"o\": {\"k\": \"v\"}}\n");
        assertEquals(map("s", "x", "i", -12, "l", 12345678901L, "b", new BigInteger("123456789012345678901234567890"),
                "d", 1500.0, "f", -0.25, "t", true, "n", null, "a", Arrays.asList(1, List.of(), Map.of(), false),
                "o", map("k", "v")), v);
        assertEquals(Integer.class, Json.parseObject("{\"x\": 2147483647}").get("x").getClass());
        assertEquals(Long.class, Json.parseObject("{\"x\": 2147483648}").get("x").getClass());
        assertEquals(Long.class, Json.parseObject("{\"x\": -9223372036854775808}").get("x").getClass());
        assertEquals(BigInteger.class, Json.parseObject("{\"x\": 9223372036854775808}").get("x").getClass());
        assertEquals(List.of("a", 0), Json.parseArray("[\"a\",-0]"));
        assertEquals("plain", Json.parse("\"plain\""));
        assertEquals(List.of("k1", "k2"), new ArrayList<>(Json.parseObject("{\"k1\":1,\"k2\":2}").keySet()));
        assertEquals(map("k", 2), Json.parseObject("{\"k\":1,\"k\":2}"));
    }

    @Test
    public void escapesAndUnicode() throws Exception {
        assertEquals("q\" b\\ s/ \b\f\n\r\t é ☃ \ud83d\ude00 é", Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u2603 \\ud83d\\ude00 é\""));
    }

    @Test
    public void badTextSaysWhatWasExpectedAndWhere() {
        String[][] cases = {
            {"", "expected a value at line 1, column 1, found the end of the text"},
            {"{\"a\": 1,}", "expected a member name in double quotes at line 1, column 9, found '}'"},
            {"[1, 2,]", "expected a value at line 1, column 7, found ']'"},
            {"{\"a\" 1}", "expected ':' at line 1, column 6, found '1'"},
            {"[1 2]", "expected ',' or ']' at line 1, column 4, found '2'"},
            {"{\n  \"a\": \"open", "expected the closing '\"' of the string at line 2, column 13, found the end of the text"},
            {"\"tab\there\"", "expected a control character escaped in a string (\\n, \\t, \\u00XX) at line 1, column 5, found '\\u0009'"},
            {"\"\\x\"", "expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX at line 1, column 3, found 'x'"},
            {"\"\\u12g4\"", "expected four hex digits after \\u at line 1, column 6, found 'g'"},
            {"01", "expected end of the text after the value at line 1, column 2, found '1'"},
            {"1.", "expected a digit after the decimal point at line 1, column 3, found the end of the text"},
            {"-", "expected a digit at line 1, column 2, found the end of the text"},
            {"1e+", "expected a digit in the exponent at line 1, column 4, found the end of the text"},
            {"NaN", "expected a value at line 1, column 1, found 'N'"},
            {"tru", "expected a value at line 1, column 1, found 't'"},
            {"{} {}", "expected end of the text after the value at line 1, column 4, found '{'"},
            {"\"\\u\u0660\u0660\u0664\u0661\"", "expected four hex digits after \\u at line 1, column 4, found '\\u0660'"},
            {"[1e999]", "expected a number within the range of a double at line 1, column 2, found '1'"},
            {"[" + "9".repeat(1001) + "]", "expected a number of at most 1000 characters at line 1, column 2, found '9'"},
        };
        for (String[] c : cases) {
            try {
                Json.parse(c[0]);
                fail("parsed " + c[0]);
            } catch (JsonException e) {
                assertEquals(c[0], c[1], e.getMessage());
            }
        }
        try {
            Json.parseObject("[]");
            fail();
        } catch (JsonException e) {
            assertEquals("expected a JSON object, found an array", e.getMessage());
        }
        try {
            Json.parseArray("{}");
            fail();
        } catch (JsonException e) {
            assertEquals("expected a JSON array, found an object", e.getMessage());
        }
    }

    @Test
    public void deepNestingIsRefusedNotAStackOverflow() throws Exception {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertTrue(Json.parse(ok) instanceof List);
        String deep = "[{\"a\":".repeat(100_000);
        try {
            Json.parse(deep);
            fail();
        } catch (JsonException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("expected at most 512 nested arrays and objects at line 1, column "));
        }
    }

    @Test
    public void writeReadsBackTheSameValues() throws Exception {
        Map<String, Object> v = map("name", "eth0 \"quoted\" \\ \n\t\u0001 é \u2028", "mtu", 1500, "big", 12345678901L,
                "ratio", 0.5, "on", true, "none", null, "empty", List.of(), "nothing", Map.of(),
                "list", Arrays.asList(map("a", 1), List.of("x", "y"), null), "array", new Object[] {1, "two"});
        for (boolean pretty : new boolean[] {false, true}) {
            String text = Json.write(v, pretty);
            Map<String, Object> back = Json.parseObject(text);
            assertEquals(List.of(1, "two"), back.get("array"));
            back.put("array", v.get("array"));
            assertEquals(v, back);
        }
        assertEquals("{\"a\":[1,2],\"b\":{},\"c\":[]}", Json.write(map("a", List.of(1, 2), "b", Map.of(), "c", List.of()), false));
        assertEquals("{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {}\n}", Json.write(map("a", List.of(1, "x"), "b", Map.of()), true));
        assertEquals("\"\\u2028\\u001f\"", Json.write("\u2028\u001f", false));
        assertEquals("[null,1]", Json.write(new Object[] {null, 1}, false));
        // a lone surrogate (only a \\u escape can make one) stays an escape; a pair is written as it is
        String lone = (String) Json.parse("\"a\\ud800b\\udc00\\ud83d\\ude00\"");
        assertEquals("\"a\\ud800b\\udc00\ud83d\ude00\"", Json.write(lone, false));
        assertEquals(lone, Json.parse(Json.write(lone, false)));
    }

    @Test
    public void writeRefusesWhatJsonCannotHold() {
        for (Object bad : new Object[] {Double.NaN, Float.POSITIVE_INFINITY, new Object(), map("x", Double.NEGATIVE_INFINITY)}) {
            try {
                Json.write(bad, false);
                fail("wrote " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().startsWith("JSON has no number") || expected.getMessage().startsWith("cannot write a java.lang.Object"));
            }
        }
    }

    /** The real input: what iproute2's {@code ip -j} prints on this machine. */
    @Test
    public void readsTheOutputOfIpJ() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("ip", "-j", "-d", "addr", "show").redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue("needs iproute2's ip", false);
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        List<Object> links = Json.parseArray(out);
        Set<String> names = new TreeSet<>();
        for (Object l : links) {
            @SuppressWarnings("unchecked")
            Map<String, Object> link = (Map<String, Object>) l;
            names.add((String) link.get("ifname"));
            assertTrue(link.get("ifindex") instanceof Integer);
            assertTrue(link.get("addr_info") instanceof List);
        }
        Set<String> sys = new TreeSet<>();
        try (var d = Files.list(Path.of("/sys/class/net"))) {
            d.forEach(x -> sys.add(x.getFileName().toString()));
        }
        assertEquals(sys, names);
        assertEquals(links, Json.parseArray(Json.write(links, true)));
    }
}
