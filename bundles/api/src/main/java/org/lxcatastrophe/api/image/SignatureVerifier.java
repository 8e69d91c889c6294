package org.lxcatastrophe.api.image;

import java.nio.file.Path;

import org.lxcatastrophe.api.LxcatException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Checks detached OpenPGP signatures (the {@code .asc} files an image server publishes) against a public keyring file.
 * The image service uses it only when GPG checking is on and a keyring is configured; the bundle that provides it,
 * with the OpenPGP library it needs, is not part of the runtime's boot set and is installed on first use.
 */
@ProviderType
public interface SignatureVerifier {

    /**
     * Reads a public keyring: binary or ASCII-armoured, one or more keys.
     *
     * @throws LxcatException naming the file when it cannot be read or holds no OpenPGP public key
     */
    PublicKeys readKeyring(Path keyring) throws LxcatException;

    /** The public keys of one keyring file. */
    @ProviderType
    interface PublicKeys {

        /**
         * Verifies a detached signature (binary or armoured) of {@code file}; {@code label} names the file in messages.
         *
         * @throws LxcatException when the signature is bad, cannot be read, or was made by no key of the ring
         */
        void verifyDetached(Path file, String label, byte[] signature) throws LxcatException;
    }
}
