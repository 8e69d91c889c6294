package org.lxcatastrophe.sshkeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Real key pairs made by ssh-keygen for the tests. */
final class Keys {
    private Keys() {
    }

    /** Generates a key pair of {@code type} (ed25519, rsa, ecdsa, dsa) in {@code dir}; returns the private key file. */
    static Path generate(Path dir, String type, String comment) throws IOException, InterruptedException {
        Path key = dir.resolve("id_" + type + "_" + System.nanoTime());
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment, "-f", key.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ssh-keygen -t " + type + " failed: " + out);
        }
        return key;
    }

    static String publicLine(Path privateKey) throws IOException {
        return Files.readString(Path.of(privateKey + ".pub")).strip();
    }
}
