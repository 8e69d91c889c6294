package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;

/** meta.tar.xz is read alike by the xz program and by XZ for Java, and a damaged one fails in both. */
public class ImageMetadataTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @After
    public void reset() {
        System.clearProperty(XzStreams.DECODER_PROPERTY);
    }

    /** The test metadata, with 64 KiB of zeros after the tar's end (as a writer with a large blocking factor leaves). */
    private Path meta() throws Exception {
        Tars m = new Tars().dir("./");
        for (Map.Entry<String, String> e : TestImages.meta().entrySet()) {
            m.file(e.getKey(), e.getValue());
        }
        byte[] tar = m.tar();
        Path f = tmp.getRoot().toPath().resolve("meta.tar.xz");
        Tars.xz(Arrays.copyOf(tar, tar.length + (64 << 10)), f);
        return f;
    }

    private static void decoder(boolean java) {
        if (java) {
            System.setProperty(XzStreams.DECODER_PROPERTY, "java");
        } else {
            assumeTrue("needs the xz program", XzStreams.nativeXz() != null);
            System.clearProperty(XzStreams.DECODER_PROPERTY);
        }
    }

    @Test
    public void theXzProgramAndXzForJavaReadTheSameMetadata() throws Exception {
        Path f = meta();
        for (boolean java : new boolean[] {false, true}) {
            decoder(java);
            ImageMetadata m = ImageMetadata.read(f);
            assertEquals("java=" + java, List.of("lxc.include = LXC_TEMPLATE_CONFIG/debian.common.conf",
                    "lxc.include = LXC_TEMPLATE_CONFIG/debian.userns.conf", "lxc.arch = amd64",
                    "lxc.hook.start-host = LXC_HOOK_DIR/x LXC_ROOTFS LXC_PATH"), m.lxcConfig());
            assertEquals(List.of("/etc/hostname", "/etc/hosts", "/etc/missing-file"), m.templates());
            assertEquals(4102444800L, m.expiry().getEpochSecond());
        }
    }

    @Test
    public void aDamagedStreamEndFailsAlthoughTheTarEndedBeforeIt() throws Exception {
        byte[] whole = Files.readAllBytes(meta());
        // the stream footer (CRC32 of the flags and backward size) lies after the tar's end-of-archive blocks and
        // the padding behind them: only a reader that reads to the end of the xz stream sees it
        byte[] footer = whole.clone();
        footer[footer.length - 10] ^= 0x5a;
        byte[] truncated = Arrays.copyOf(whole, whole.length - 30);
        for (byte[] bad : new byte[][] {footer, truncated}) {
            Path f = Files.write(tmp.getRoot().toPath().resolve("bad.tar.xz"), bad);
            for (boolean java : new boolean[] {false, true}) {
                decoder(java);
                try {
                    ImageMetadata.read(f);
                    fail("read a damaged meta.tar.xz, java=" + java);
                } catch (LxcatException e) {
                    assertTrue(e.getMessage(), e.getMessage().startsWith("cannot read the image metadata " + f + ": ")
                            && e.getMessage().endsWith("(the cached file is corrupt: fetch with IMAGE_CACHE_FLUSH=true)"));
                }
            }
        }
    }
}
