package org.lxcatastrophe.image.internal;

import java.io.ByteArrayInputStream;
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

import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.lxcatastrophe.api.LxcatException;

/** sha256 and size checks, SHA256SUMS files, detached OpenPGP signatures (BouncyCastle) against a keyring file. */
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

    /** Loads a public keyring (binary or ASCII-armoured, one or more keys). */
    static PGPPublicKeyRingCollection keyring(Path file) throws LxcatException {
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            return new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException e) {
            throw new LxcatException("cannot read the GPG keyring " + file + " (image.gpg.keyring): " + e.getMessage(), e);
        }
    }

    /** Verifies a detached signature (binary or armoured) of {@code file}; fails when no key of the ring made it. */
    static void verifySignature(Path file, String label, byte[] signature, PGPPublicKeyRingCollection keys) throws LxcatException {
        PGPSignatureList sigs;
        try {
            BcPGPObjectFactory f = new BcPGPObjectFactory(PGPUtil.getDecoderStream(new ByteArrayInputStream(signature)));
            Object o = f.nextObject();
            if (o instanceof PGPCompressedData) {
                o = new BcPGPObjectFactory(((PGPCompressedData) o).getDataStream()).nextObject();
            }
            if (!(o instanceof PGPSignatureList)) {
                throw new LxcatException("the signature of " + label + " is not an OpenPGP signature");
            }
            sigs = (PGPSignatureList) o;
        } catch (IOException | PGPException e) {
            throw new LxcatException("the signature of " + label + " cannot be read: " + e.getMessage(), e);
        }
        StringBuilder unknown = new StringBuilder();
        for (PGPSignature sig : sigs) {
            PGPPublicKey key = keys.getPublicKey(sig.getKeyID());
            if (key == null) {
                unknown.append(unknown.length() == 0 ? "" : ", ").append(String.format("%016X", sig.getKeyID()));
                continue;
            }
            try (InputStream in = Files.newInputStream(file)) {
                sig.init(new BcPGPContentVerifierBuilderProvider(), key);
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    sig.update(buf, 0, n);
                }
                if (sig.verify()) {
                    return;
                }
                throw new LxcatException("BAD GPG signature on " + label + " (key " + String.format("%016X", sig.getKeyID())
                        + "): the file was discarded; the server or mirror serves a tampered or broken file");
            } catch (IOException | PGPException e) {
                throw new LxcatException("cannot check the GPG signature of " + label + ": " + e.getMessage(), e);
            }
        }
        throw new LxcatException(label + " is signed by key " + unknown + " which is not in the keyring (image.gpg.keyring): "
                + "add the image server's key or set IMAGE_GPG=off");
    }
}
