package org.lxcatastrophe.image.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/** An OpenPGP signing key made in the test with BouncyCastle: its public keyring file and detached signatures. */
final class Keys {
    final PGPKeyPair pair;
    final byte[] publicRing;

    Keys(String uid) throws Exception {
        RSAKeyPairGenerator g = new RSAKeyPairGenerator();
        g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 12));
        pair = new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, g.generateKeyPair(), new Date());
        PGPKeyRingGenerator gen = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair, uid,
                new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), null, null,
                new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256), null);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ArmoredOutputStream a = new ArmoredOutputStream(b)) {
            gen.generatePublicKeyRing().encode(a);
        }
        publicRing = b.toByteArray();
    }

    Path writeKeyring(Path file) throws IOException {
        return Files.write(file, publicRing);
    }

    /** An ASCII-armoured detached signature of {@code data}, as {@code gpg --armor --detach-sign} makes. */
    byte[] sign(byte[] data) throws PGPException, IOException {
        PGPSignatureGenerator sg = new PGPSignatureGenerator(
                new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA256), pair.getPublicKey());
        sg.init(PGPSignature.BINARY_DOCUMENT, pair.getPrivateKey());
        sg.update(data);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream a = new ArmoredOutputStream(b)) {
            sg.generate().encode(a);
        }
        return b.toByteArray();
    }

    void signFile(Path file) throws Exception {
        Files.write(file.resolveSibling(file.getFileName() + ".asc"), sign(Files.readAllBytes(file)));
    }
}
