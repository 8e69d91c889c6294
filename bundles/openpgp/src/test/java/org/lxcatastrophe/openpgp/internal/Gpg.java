package org.lxcatastrophe.openpgp.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A GnuPG home made by the test: keys generated and files signed by the real {@code gpg}, as an image server does. */
final class Gpg implements AutoCloseable {
    private final Path home;

    Gpg(Path home) throws IOException {
        this.home = Files.createDirectories(home);
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    /** Generates a signing key, e.g. {@code algo} "rsa2048" or "ed25519". */
    Gpg key(String uid, String algo) throws Exception {
        gpg("--passphrase", "", "--quick-gen-key", uid, algo, "sign", "never");
        return this;
    }

    /** The public keys, armoured ({@code gpg --export --armor}) or binary. */
    Path export(Path file, boolean armour) throws Exception {
        List<String> args = new ArrayList<>(List.of("--output", file.toString()));
        if (armour) {
            args.add("--armor");
        }
        args.add("--export");
        gpg(args.toArray(new String[0]));
        return file;
    }

    /** A detached signature of {@code file} by the key of {@code uid}: FILE.asc (armoured) or FILE.sig. */
    Path sign(Path file, String uid, boolean armour) throws Exception {
        Path out = file.resolveSibling(file.getFileName() + (armour ? ".asc" : ".sig"));
        List<String> args = new ArrayList<>(List.of("--local-user", uid, "--output", out.toString()));
        if (armour) {
            args.add("--armor");
        }
        args.add("--detach-sign");
        args.add(file.toString());
        gpg(args.toArray(new String[0]));
        return out;
    }

    private void gpg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes",
                "--pinentry-mode", "loopback"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Stops the agent gpg started for this home. */
    @Override
    public void close() throws Exception {
        new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent").inheritIO().start()
                .waitFor(10, TimeUnit.SECONDS);
    }
}
