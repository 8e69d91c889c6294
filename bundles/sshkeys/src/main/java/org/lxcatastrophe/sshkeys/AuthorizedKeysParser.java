package org.lxcatastrophe.sshkeys;

import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lxcatastrophe.api.ssh.AuthorizedKey;

/**
 * Parses and validates {@code authorized_keys} text as sshd reads it (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"):
 * optional options, key type, base64 blob, optional comment. The blob is decoded and checked against its type.
 * Error messages never contain the offending line: it could be a secret.
 */
final class AuthorizedKeysParser {

    /** Key types and the expected structure of their blob after the type string. */
    private enum Shape { RSA, DSA, ED25519, ECDSA, SK_ED25519, SK_ECDSA, CERT }

    private static final Map<String, Shape> TYPES = Map.ofEntries(
            Map.entry("ssh-rsa", Shape.RSA),
            Map.entry("ssh-dss", Shape.DSA),
            Map.entry("ssh-ed25519", Shape.ED25519),
            Map.entry("ecdsa-sha2-nistp256", Shape.ECDSA),
            Map.entry("ecdsa-sha2-nistp384", Shape.ECDSA),
            Map.entry("ecdsa-sha2-nistp521", Shape.ECDSA),
            Map.entry("sk-ssh-ed25519@openssh.com", Shape.SK_ED25519),
            Map.entry("sk-ecdsa-sha2-nistp256@openssh.com", Shape.SK_ECDSA),
            Map.entry("ssh-rsa-cert-v01@openssh.com", Shape.CERT),
            Map.entry("ssh-dss-cert-v01@openssh.com", Shape.CERT),
            Map.entry("ssh-ed25519-cert-v01@openssh.com", Shape.CERT),
            Map.entry("ecdsa-sha2-nistp256-cert-v01@openssh.com", Shape.CERT),
            Map.entry("ecdsa-sha2-nistp384-cert-v01@openssh.com", Shape.CERT),
            Map.entry("ecdsa-sha2-nistp521-cert-v01@openssh.com", Shape.CERT),
            Map.entry("sk-ssh-ed25519-cert-v01@openssh.com", Shape.CERT),
            Map.entry("sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", Shape.CERT));

    /** Options sshd accepts; anything else makes sshd ignore the whole line. */
    private static final Set<String> FLAG_OPTIONS = Set.of("agent-forwarding", "cert-authority", "no-agent-forwarding",
            "no-port-forwarding", "no-pty", "no-user-rc", "no-x11-forwarding", "port-forwarding", "pty",
            "no-touch-required", "verify-required", "restrict", "user-rc", "x11-forwarding");
    private static final Set<String> VALUE_OPTIONS = Set.of("command", "environment", "expiry-time", "from",
            "permitlisten", "permitopen", "principals", "tunnel");

    private AuthorizedKeysParser() {
    }

    /** A line that cannot be used; {@link #getMessage()} names the source, the line number and the reason. */
    static final class InvalidKeyException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidKeyException(String message) {
            super(message);
        }
    }

    /**
     * Parses every line of {@code text}; comments and blank lines are skipped.
     *
     * @param source names the origin in error messages, e.g. {@code SSH_AUTHORIZED_KEYS}
     */
    static List<AuthorizedKey> parse(String source, String text) throws InvalidKeyException {
        if (looksPrivate(text)) {
            int line = lineOf(text, text.contains("PRIVATE KEY") ? "PRIVATE KEY"
                    : text.contains("PuTTY-User-Key-File-") ? "PuTTY-User-Key-File-" : "b3BlbnNzaC1rZXktdjE");
            throw new InvalidKeyException(source + " line " + line + ": this is a PRIVATE key; it was not used and is not"
                    + " shown. Give the public key instead (the .pub file, e.g. `ssh-keygen -y -f KEY`), and consider"
                    + " this private key exposed.");
        }
        List<AuthorizedKey> keys = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(parseLine(line));
            } catch (InvalidKeyException e) {
                throw new InvalidKeyException(source + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return keys;
    }

    private static boolean looksPrivate(String text) {
        return text.contains("PRIVATE KEY-----") || text.contains("PuTTY-User-Key-File-")
                || text.contains("PRIVATE KEY ----")
                || text.contains("b3BlbnNzaC1rZXktdjE");   // base64 of "openssh-key-v1": the body without its armour
    }

    private static int lineOf(String text, String needle) {
        int at = text.indexOf(needle);
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Parses one non-comment line. */
    static AuthorizedKey parseLine(String line) throws InvalidKeyException {
        String options = "";
        String rest = line;
        String first = firstField(line);
        if (!TYPES.containsKey(first)) {
            if (looksLikeKeyType(first)) {
                throw new InvalidKeyException("unknown key type '" + printable(first) + "'; known types: "
                        + String.join(", ", new java.util.TreeSet<>(TYPES.keySet())));
            }
            int end = optionsEnd(line);
            options = line.substring(0, end);
            rest = line.substring(end).stripLeading();
            if (TYPES.containsKey(firstField(rest))) {
                validateOptions(options);
            }
        }
        String[] fields = rest.split("[ \t]+", 3);
        String type = fields[0];
        if (!TYPES.containsKey(type)) {
            throw new InvalidKeyException(looksLikeKeyType(type)
                    ? "unknown key type '" + printable(type) + "'"
                    : "no key type found (expected e.g. 'ssh-ed25519 AAAA... comment')");
        }
        if (fields.length < 2) {
            throw new InvalidKeyException("the " + type + " key has no base64 key data after its type");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(fields[1]);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("the " + type + " key data is not valid base64 (truncated or mangled when pasted?)");
        }
        validateBlob(type, TYPES.get(type), blob);
        String comment = fields.length > 2 ? fields[2].strip() : "";
        return new AuthorizedKey(options, type, fields[1], comment);
    }

    private static String firstField(String line) {
        int sp = 0;
        while (sp < line.length() && line.charAt(sp) != ' ' && line.charAt(sp) != '\t') {
            sp++;
        }
        return line.substring(0, sp);
    }

    private static boolean looksLikeKeyType(String field) {
        return field.matches("(ssh|ecdsa|sk)-[A-Za-z0-9@.\\-]+") && !field.contains("=") && !field.contains(",");
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The index just past the options field: it ends at the first blank outside double quotes. */
    private static int optionsEnd(String line) throws InvalidKeyException {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quoted && i + 1 < line.length()) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == ' ' || c == '\t')) {
                return i;
            }
        }
        throw new InvalidKeyException(quoted ? "an option value has no closing double quote"
                : "no key after the options (expected 'options ssh-ed25519 AAAA...')");
    }

    private static void validateOptions(String options) throws InvalidKeyException {
        int i = 0;
        while (i < options.length()) {
            int nameEnd = i;
            while (nameEnd < options.length() && options.charAt(nameEnd) != ',' && options.charAt(nameEnd) != '=') {
                nameEnd++;
            }
            String name = options.substring(i, nameEnd).toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new InvalidKeyException("empty option in the options field (stray comma?)");
            }
            i = nameEnd;
            if (i < options.length() && options.charAt(i) == '=') {
                if (!VALUE_OPTIONS.contains(name)) {
                    throw new InvalidKeyException("option '" + printable(name) + "' does not take a value or is unknown");
                }
                i++;
                if (i >= options.length() || options.charAt(i) != '"') {
                    throw new InvalidKeyException("the value of option '" + name + "' must be in double quotes");
                }
                i++;
                while (i < options.length() && options.charAt(i) != '"') {
                    if (options.charAt(i) == '\\') {
                        i++;
                    }
                    i++;
                }
                if (i >= options.length()) {
                    throw new InvalidKeyException("the value of option '" + name + "' has no closing double quote");
                }
                i++;
            } else if (!FLAG_OPTIONS.contains(name)) {
                throw new InvalidKeyException(VALUE_OPTIONS.contains(name)
                        ? "option '" + name + "' needs a value, e.g. " + name + "=\"...\""
                        : "unknown option '" + printable(name) + "' (sshd would ignore this key)");
            }
            if (i < options.length()) {
                if (options.charAt(i) != ',') {
                    throw new InvalidKeyException("options must be separated by commas");
                }
                i++;
                if (i == options.length()) {
                    throw new InvalidKeyException("the options field ends with a comma");
                }
            }
        }
    }

    private static void validateBlob(String type, Shape shape, byte[] blob) throws InvalidKeyException {
        ByteBuffer in = ByteBuffer.wrap(blob);
        try {
            String inner = new String(string(in), StandardCharsets.US_ASCII);
            if (!inner.equals(type)) {
                throw new InvalidKeyException("the key data is a '" + printable(inner) + "' key, not " + type
                        + " (type and data do not belong together)");
            }
            switch (shape) {
            case RSA -> {
                byte[] e = string(in);
                byte[] n = string(in);
                if (e.length == 0 || n.length < 64) {
                    throw new InvalidKeyException("the ssh-rsa key is too short to be real (" + bits(n) + " bits)");
                }
            }
            case DSA -> {
                for (int k = 0; k < 4; k++) {
                    string(in);
                }
            }
            case ED25519, SK_ED25519 -> {
                if (string(in).length != 32) {
                    throw new InvalidKeyException("the " + type + " public key is not 32 bytes long");
                }
                if (shape == Shape.SK_ED25519) {
                    string(in);
                }
            }
            case ECDSA, SK_ECDSA -> {
                String curve = new String(string(in), StandardCharsets.US_ASCII);
                if (!type.contains(curve)) {
                    throw new InvalidKeyException("the key's curve '" + printable(curve) + "' does not match " + type);
                }
                byte[] point = string(in);
                int expected = switch (curve) {
                case "nistp256" -> 65;
                case "nistp384" -> 97;
                default -> 133;
                };
                if (point.length != expected || point[0] != 4) {
                    throw new InvalidKeyException("the " + type + " public point is malformed");
                }
                if (shape == Shape.SK_ECDSA) {
                    string(in);
                }
            }
            case CERT -> {
                string(in); // nonce; the rest is checked by sshd against the CA
            }
            }
            if (shape != Shape.CERT && in.hasRemaining()) {
                throw new InvalidKeyException("the " + type + " key data has " + in.remaining() + " unexpected trailing bytes");
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new InvalidKeyException("the " + type + " key data is truncated");
        }
    }

    private static int bits(byte[] mpint) {
        return Math.max(0, mpint.length * 8 - 8);
    }

    private static byte[] string(ByteBuffer in) {
        int len = in.getInt();
        if (len < 0 || len > in.remaining()) {
            throw new IllegalArgumentException("length");
        }
        byte[] b = new byte[len];
        in.get(b);
        return b;
    }
}
