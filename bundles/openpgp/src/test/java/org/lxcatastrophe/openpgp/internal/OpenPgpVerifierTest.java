package org.lxcatastrophe.openpgp.internal;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.image.SignatureVerifier.PublicKeys;

/**
 * Signatures made by the real GnuPG (what image servers publish) against keyrings exported by it: RSA and Ed25519
 * keys, armoured and binary, good, tampered, unknown signer, not a signature, not a keyring.
 */
public class OpenPgpVerifierTest {
    static final String IMAGES = "images <images@example.org>";
    static final String EDDSA = "builder <builder@example.org>";
    static final String STRANGER = "stranger <stranger@example.org>";

    @ClassRule
    public static TemporaryFolder tmp = new TemporaryFolder();
    static Gpg trusted;
    static Gpg other;
    static Path file;
    static Path armouredRing;
    static Path binaryRing;

    @BeforeClass
    public static void keys() throws Exception {
        trusted = new Gpg(tmp.getRoot().toPath().resolve("trusted")).key(IMAGES, "rsa2048").key(EDDSA, "ed25519");
        other = new Gpg(tmp.getRoot().toPath().resolve("other")).key(STRANGER, "ed25519");
        file = Files.write(tmp.getRoot().toPath().resolve("rootfs.tar.xz"), "an image\n".getBytes(StandardCharsets.UTF_8));
        armouredRing = trusted.export(tmp.getRoot().toPath().resolve("ring.asc"), true);
        binaryRing = trusted.export(tmp.getRoot().toPath().resolve("ring.gpg"), false);
    }

    @AfterClass
    public static void agents() throws Exception {
        trusted.close();
        other.close();
    }

    static PublicKeys ring(Path keyring) throws LxcatException {
        return new OpenPgpVerifier().readKeyring(keyring);
    }

    @Test
    public void armouredAndBinarySignaturesOfEveryKeyOfTheRingAreGood() throws Exception {
        for (Path keyring : new Path[] {armouredRing, binaryRing}) {
            for (String uid : new String[] {IMAGES, EDDSA}) {
                for (boolean armour : new boolean[] {true, false}) {
                    ring(keyring).verifyDetached(file, "rootfs.tar.xz", Files.readAllBytes(trusted.sign(file, uid, armour)));
                }
            }
        }
    }

    @Test
    public void aChangedFileIsABadSignature() throws Exception {
        byte[] sig = Files.readAllBytes(trusted.sign(file, IMAGES, true));
        Path changed = Files.write(tmp.getRoot().toPath().resolve("changed"), "an image!\n".getBytes(StandardCharsets.UTF_8));
        String m = failure(() -> ring(armouredRing).verifyDetached(changed, "rootfs.tar.xz", sig));
        assertTrue(m, m.startsWith("BAD GPG signature on rootfs.tar.xz (key ") && m.contains("the file was discarded"));
    }

    @Test
    public void aSignatureByAKeyOutsideTheRingNamesTheKey() throws Exception {
        byte[] sig = Files.readAllBytes(other.sign(file, STRANGER, true));
        String m = failure(() -> ring(armouredRing).verifyDetached(file, "meta.tar.xz", sig));
        assertTrue(m, m.matches("meta\\.tar\\.xz is signed by key [0-9A-F]{16} which is not in the keyring \\(image\\.gpg\\.keyring\\).*"));
    }

    @Test
    public void somethingThatIsNotASignatureIsRefused() throws Exception {
        for (byte[] garbage : new byte[][] {"<html>not found</html>\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(armouredRing)}) {
            String m = failure(() -> ring(armouredRing).verifyDetached(file, "SHA256SUMS", garbage));
            assertTrue(m, m.startsWith("the signature of SHA256SUMS "));
        }
    }

    @Test
    public void aKeyringThatHoldsNoKeyIsRefusedNamingTheFile() throws Exception {
        Path empty = Files.write(tmp.getRoot().toPath().resolve("empty.asc"), new byte[0]);
        Path text = Files.write(tmp.getRoot().toPath().resolve("text.asc"), "not a key\n".getBytes(StandardCharsets.UTF_8));
        Path signature = trusted.sign(file, IMAGES, false);
        for (Path bad : new Path[] {empty, text, signature}) {
            String m = failure(() -> ring(bad));
            assertTrue(m, m.contains(bad.toString()) && m.contains("(image.gpg.keyring)"));
        }
    }

    interface Call {
        void run() throws Exception;
    }

    static String failure(Call c) throws Exception {
        try {
            c.run();
        } catch (LxcatException e) {
            return e.getMessage();
        }
        fail("expected a failure");
        return null;
    }
}
