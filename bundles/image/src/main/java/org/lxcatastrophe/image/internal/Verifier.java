package org.lxcatastrophe.image.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import org.lxcatastrophe.api.LxcatException;

/** sha256 and size checks and SHA256SUMS files (OpenPGP signatures: {@link org.lxcatastrophe.api.image.SignatureVerifier}). */
final class Verifier {
    private Verifier() {
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Checks size (when known) and sha256 (when known); the message names the file and what to do. */
    static void check(Path file, String label, long size, String sha256) throws LxcatException {
        try {
            long actual = Files.size(file);
            if (size >= 0 && actual != size) {
                throw new LxcatException(label + " has " + actual + " bytes, the server announced " + size
                        + ": the download is incomplete or the server changed it; fetch again");
            }
            if (sha256 != null) {
                String got = sha256(file);
                if (!got.equalsIgnoreCase(sha256)) {
                    throw new LxcatException("sha256 mismatch for " + label + ": expected " + sha256.toLowerCase(Locale.ROOT)
                            + ", got " + got + "; the file was discarded, fetch again (or check the mirror)");
                }
            }
        } catch (IOException e) {
            throw new LxcatException("cannot read " + label + " to verify it: " + e.getMessage(), e);
        }
    }

    /** {@code SHA256SUMS}: "hex  name" (or "hex *name") lines; file name to lower-case hex. */
    static Map<String, String> parseSums(byte[] text) {
        Map<String, String> out = new HashMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && f[0].matches("[0-9a-fA-F]{64}")) {
                String name = f[1].startsWith("*") ? f[1].substring(1) : f[1];
                if (name.startsWith("./")) {
                    name = name.substring(2);
                }
                out.put(name, f[0].toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
