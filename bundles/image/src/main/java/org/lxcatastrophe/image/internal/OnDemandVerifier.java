package org.lxcatastrophe.image.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.image.SignatureVerifier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The OpenPGP verifier, installed the first time GPG checking needs it. The verifier bundle and BouncyCastle (three
 * bundles, 8 MB, whose installation and resolution cost every start about a tenth of a second and 3-4 MiB of memory)
 * are kept out of the boot set, in {@code <lxcatastrophe.home>/features/openpgp/}, like a Karaf feature installed
 * on demand. Installed by reference and started; a later start of the runtime begins without them again.
 */
final class OnDemandVerifier implements ImageServiceImpl.Verifiers, AutoCloseable {
    /** Framework property naming the folder of the feature's jars (default {@code <lxcatastrophe.home>/features/openpgp}). */
    static final String DIR_PROPERTY = "lxcatastrophe.features.openpgp";
    static final long WAIT_MS = 10_000;
    private static final Logger LOG = Logger.getLogger(OnDemandVerifier.class.getName());

    private final BundleContext context;
    private final ServiceTracker<SignatureVerifier, SignatureVerifier> tracker;

    OnDemandVerifier(BundleContext context) {
        this.context = context;
        this.tracker = new ServiceTracker<>(context, SignatureVerifier.class, null);
        tracker.open();
    }

    /**
     * The verifier service, installing and starting the feature's bundles first when none is registered. When that
     * fails, the bundles it installed are uninstalled again, so the next try starts from the same state.
     */
    @Override
    public synchronized SignatureVerifier get() throws LxcatException {
        SignatureVerifier v = tracker.getService();
        if (v != null) {
            return v;
        }
        Path dir = directory();
        List<Path> jars = jars(dir);
        long t0 = System.nanoTime();
        List<Bundle> feature = new ArrayList<>();
        List<Bundle> installed = new ArrayList<>();
        boolean done = false;
        try {
            for (Path jar : jars) {
                String location = "reference:" + jar.toUri();
                Bundle b = context.getBundle(location);
                if (b == null) {
                    b = context.installBundle(location);
                    installed.add(b);
                }
                feature.add(b);
            }
            for (Bundle b : feature) {
                if (b.getHeaders().get("Fragment-Host") == null) {
                    b.start();
                }
            }
            v = tracker.waitForService(WAIT_MS);
            if (v == null) {
                throw new LxcatException("GPG checking needs the OpenPGP feature of " + dir + ": its bundles started but no "
                        + "signature verifier appeared within " + WAIT_MS / 1000 + " s; see lxcat-shell scr:list");
            }
            done = true;
        } catch (BundleException | IllegalStateException | SecurityException e) {
            throw new LxcatException("GPG checking needs the OpenPGP feature of " + dir + ", which did not start: "
                    + e.getMessage() + "; reinstall the distribution or set IMAGE_GPG=off", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LxcatException("interrupted while the OpenPGP feature started", e);
        } finally {
            if (!done) {
                uninstall(installed);
            }
        }
        LOG.info("OpenPGP feature installed from " + dir + " (" + feature.size() + " bundles, "
                + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        return v;
    }

    private static void uninstall(List<Bundle> bundles) {
        for (Bundle b : bundles) {
            try {
                b.uninstall();
            } catch (BundleException | IllegalStateException e) {
                LOG.warning("could not uninstall " + b.getLocation() + " again: " + e.getMessage());
            }
        }
    }

    private Path directory() {
        String dir = context.getProperty(DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir.trim());
        }
        String home = context.getProperty("lxcatastrophe.home");
        return Path.of(home == null ? "." : home, "features", "openpgp");
    }

    static List<Path> jars(Path dir) throws LxcatException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
            s.forEach(jars::add);
        } catch (IOException e) {
            throw new LxcatException("GPG checking (image.gpg.keyring) needs the OpenPGP feature in " + dir + File.separator
                    + ", which cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); reinstall the distribution or set IMAGE_GPG=off", e);
        }
        if (jars.isEmpty()) {
            throw new LxcatException("GPG checking (image.gpg.keyring) needs the OpenPGP feature in " + dir + File.separator
                    + ", which holds no jar; reinstall the distribution or set IMAGE_GPG=off");
        }
        jars.sort(null);
        return jars;
    }

    @Override
    public void close() {
        tracker.close();
    }
}
