package org.lxcatastrophe.openpgp.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

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
import org.lxcatastrophe.api.image.SignatureVerifier;
import org.osgi.service.component.annotations.Component;

/** Detached OpenPGP signatures checked with BouncyCastle's lightweight API (no JCE provider is registered). */
@Component(service = SignatureVerifier.class)
public class OpenPgpVerifier implements SignatureVerifier {

    @Override
    public PublicKeys readKeyring(Path keyring) throws LxcatException {
        PGPPublicKeyRingCollection keys;
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(keyring))) {
            keys = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException | RuntimeException e) {
            throw new LxcatException("cannot read the GPG keyring " + keyring + " (image.gpg.keyring): " + e.getMessage(), e);
        }
        Iterator<?> rings = keys.getKeyRings();
        if (!rings.hasNext()) {
            throw new LxcatException("the GPG keyring " + keyring + " (image.gpg.keyring) holds no OpenPGP public key: "
                    + "export the image server's key with gpg --export (or --export --armor) into it");
        }
        return (file, label, signature) -> verify(keys, file, label, signature);
    }

    private static void verify(PGPPublicKeyRingCollection keys, Path file, String label, byte[] signature) throws LxcatException {
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
        } catch (IOException | PGPException | RuntimeException e) {
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
            } catch (IOException | PGPException e) {
                throw new LxcatException("cannot check the GPG signature of " + label + ": " + e.getMessage(), e);
            }
            throw new LxcatException("BAD GPG signature on " + label + " (key " + String.format("%016X", sig.getKeyID())
                    + "): the file was discarded; the server or mirror serves a tampered or broken file");
        }
        throw new LxcatException(label + " is signed by key " + unknown + " which is not in the keyring (image.gpg.keyring): "
                + "add the image server's key or set IMAGE_GPG=off");
    }
}
