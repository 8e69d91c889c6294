package org.lxcatastrophe.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes JSON text. Reading gives {@code LinkedHashMap<String, Object>} for objects (a repeated name keeps
 * its last value), {@code ArrayList<Object>} for arrays, {@code String}, {@code Integer}, {@code Long} or
 * {@code BigInteger} for integers, {@code Double} for numbers with a fraction or exponent, {@code Boolean} and
 * {@code null}. Input from a server is untrusted: nesting deeper than {@value #MAX_DEPTH} levels is refused instead
 * of overflowing the stack.
 */
public final class Json {
    /** The deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 512;
    /** The longest number accepted, in characters (BigInteger parsing is quadratic in the length). */
    public static final int MAX_NUMBER_LENGTH = 1000;

    private final CharSequence s;
    private final int end;
    private int pos;
    private int depth;
    // object names repeat throughout a document (a simplestreams index has hundreds of thousands): one String each
    private final Map<String, String> names = new HashMap<>();

    private Json(CharSequence s) {
        this.s = s;
        this.end = s.length();
    }

    /** One JSON value, with nothing but white space around it (and a byte order mark before it, which is skipped). */
    public static Object parse(CharSequence text) throws JsonException {
        Json p = new Json(text);
        if (p.peek('\uFEFF')) {
            p.pos++;
        }
        p.space();
        Object v = p.value();
        p.space();
        if (p.pos < p.end) {
            throw p.error("end of the text after the value");
        }
        return v;
    }

    /** A JSON text that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(CharSequence text) throws JsonException {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new JsonException("expected a JSON object, found " + kind(v));
        }
        return (Map<String, Object>) v;
    }

    /** A JSON text that must be an array. */
    @SuppressWarnings("unchecked")
    public static List<Object> parseArray(CharSequence text) throws JsonException {
        Object v = parse(text);
        if (!(v instanceof List)) {
            throw new JsonException("expected a JSON array, found " + kind(v));
        }
        return (List<Object>) v;
    }

    private static String kind(Object v) {
        return v == null ? "null" : v instanceof Map ? "an object" : v instanceof List ? "an array"
                : v instanceof String ? "a string" : v instanceof Boolean ? "a boolean" : "a number";
    }

    private Object value() throws JsonException {
        if (pos >= end) {
            throw error("a value");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("a value");
        }
    }

    private Map<String, Object> object() throws JsonException {
        enter();
        pos++; // {
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (closes('}')) {
            return m;
        }
        do {
            space();
            if (!peek('"')) {
                throw error("a member name in double quotes");
            }
            String name = string();
            String shared = names.putIfAbsent(name, name);
            space();
            expect(':');
            space();
            m.put(shared == null ? name : shared, value());
        } while (more('}'));
        return m;
    }

    private List<Object> array() throws JsonException {
        enter();
        pos++; // [
        List<Object> l = new ArrayList<>();
        space();
        if (closes(']')) {
            return l;
        }
        do {
            space();
            l.add(value());
        } while (more(']'));
        return l;
    }

    /** After a member or element: true at a ',' (another follows), false at the closing bracket {@code c}. */
    private boolean more(char c) throws JsonException {
        space();
        if (peek(',')) {
            pos++;
            return true;
        }
        if (closes(c)) {
            return false;
        }
        throw error("',' or '" + c + "'");
    }

    /** Consumes the closing bracket {@code c} of the array or object being read, if it is next. */
    private boolean closes(char c) {
        if (!peek(c)) {
            return false;
        }
        pos++;
        depth--;
        return true;
    }

    private void enter() throws JsonException {
        if (++depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " nested arrays and objects");
        }
    }

    private String string() throws JsonException {
        pos++; // "
        int start = pos;
        // the common case: no escapes, one copy
        while (pos < end) {
            char c = s.charAt(pos);
            if (c == '"') {
                return s.subSequence(start, pos++).toString();
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
            pos++;
        }
        StringBuilder b = new StringBuilder().append(s, start, pos);
        while (pos < end) {
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return b.toString();
            }
            if (c < 0x20) {
                throw error("a control character escaped in a string (\\n, \\t, \\u00XX)");
            }
            if (c != '\\') {
                b.append(c);
                pos++;
                continue;
            }
            if (++pos >= end) {
                break;
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> b.append(hex4());
                default -> {
                    pos--;
                    throw error("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
            }
        }
        throw error("the closing '\"' of the string");
    }

    private char hex4() throws JsonException {
        if (pos + 4 > end) {
            throw error("four hex digits after \\u");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char c = s.charAt(pos);
            // ASCII hex digits only (Character.digit also takes other scripts' digits)
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                throw error("four hex digits after \\u");
            }
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    private Object number() throws JsonException {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        if (peek('0')) {
            pos++;
        } else if (!digits()) {
            throw error("a digit");
        }
        boolean integer = true;
        if (peek('.')) {
            pos++;
            integer = false;
            if (!digits()) {
                throw error("a digit after the decimal point");
            }
        }
        if (peek('e') || peek('E')) {
            pos++;
            integer = false;
            if (peek('+') || peek('-')) {
                pos++;
            }
            if (!digits()) {
                throw error("a digit in the exponent");
            }
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            pos = start;
            throw error("a number of at most " + MAX_NUMBER_LENGTH + " characters");
        }
        String n = s.subSequence(start, pos).toString();
        if (!integer) {
            Double d = Double.valueOf(n);
            if (d.isInfinite()) {
                pos = start;
                throw error("a number within the range of a double");
            }
            return d;
        }
        int digits = n.length() - (n.charAt(0) == '-' ? 1 : 0);
        if (digits <= 9) {
            return Integer.valueOf(n);
        }
        if (digits <= 18) {
            long l = Long.parseLong(n);
            if (l == (int) l) {
                return Integer.valueOf((int) l); // (not a ?: with Long: that would unbox both to long)
            }
            return Long.valueOf(l);
        }
        BigInteger big = new BigInteger(n);
        return big.bitLength() < 64 ? Long.valueOf(big.longValue()) : big;
    }

    private boolean digits() {
        int start = pos;
        while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object literal(String word, Object v) throws JsonException {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || s.charAt(pos + i) != word.charAt(i)) {
                throw error("a value");
            }
        }
        pos += word.length();
        return v;
    }

    private void space() {
        while (pos < end) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < end && s.charAt(pos) == c;
    }

    private void expect(char c) throws JsonException {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private JsonException error(String expected) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < pos && i < end; i++) {
            if (s.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        String found = pos >= end ? "the end of the text" : "'" + printable(s.charAt(pos)) + "'";
        return new JsonException("expected " + expected + " at line " + line + ", column " + col + ", found " + found);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : "\\u" + hex(c);
    }

    private static String hex(char c) {
        String h = Integer.toHexString(c);
        return "0000".substring(h.length()) + h;
    }

    /**
     * JSON text of {@code value}: maps (their keys as strings), iterables and arrays of objects, strings, numbers,
     * booleans and null. {@code pretty}: one member or element per line, indented by two spaces.
     *
     * @throws IllegalArgumentException for a value of another type, or a number JSON cannot hold (NaN, infinite)
     */
    public static String write(Object value, boolean pretty) {
        StringBuilder b = new StringBuilder();
        write(b, value, pretty, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, boolean pretty, int indent) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof CharSequence c) {
            quote(b, c);
        } else if (v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Number n) {
            if ((n instanceof Double d && (d.isNaN() || d.isInfinite())) || (n instanceof Float f && (f.isNaN() || f.isInfinite()))) {
                throw new IllegalArgumentException("JSON has no number " + n);
            }
            b.append(n);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ",");
                first = false;
                newline(b, pretty, indent + 1);
                quote(b, String.valueOf(e.getKey()));
                b.append(pretty ? ": " : ":");
                write(b, e.getValue(), pretty, indent + 1);
            }
            if (!first) {
                newline(b, pretty, indent);
            }
            b.append('}');
        } else if (v instanceof Iterable<?> || v instanceof Object[]) {
            Iterable<?> items = v instanceof Object[] a ? Arrays.asList(a) : (Iterable<?>) v;
            b.append('[');
            boolean first = true;
            for (Object o : items) {
                b.append(first ? "" : ",");
                first = false;
                newline(b, pretty, indent + 1);
                write(b, o, pretty, indent + 1);
            }
            if (!first) {
                newline(b, pretty, indent);
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void newline(StringBuilder b, boolean pretty, int indent) {
        if (pretty) {
            b.append('\n');
            for (int i = 0; i < indent; i++) {
                b.append("  ");
            }
        }
    }

    private static void quote(StringBuilder b, CharSequence s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                            || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || (Character.isSurrogate(c) && !pairedSurrogate)) {
                        // a lone surrogate (which a \\u escape can make) has no UTF-8 form: it stays an escape
                        b.append("\\u").append(hex(c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
