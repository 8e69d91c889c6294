package org.lxcatastrophe.image.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;
import org.lxcatastrophe.api.image.ImageBuild;
import org.lxcatastrophe.api.image.ImageRef;

/** simplestreams: products file from the index, product keys and aliases, newest version, item choice with sha256 and size. */
public class SimpleStreamsSourceTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private Downloader downloader;
    private Path server;
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    @Before
    public void setUp() throws Exception {
        downloader = new Downloader(Duration.ofSeconds(5), 1, -1);
        server = tmp.newFolder("server").toPath();
        Files.createDirectories(server.resolve("streams/v1"));
        Files.writeString(server.resolve("streams/v1/index.json"), "{\"format\":\"index:1.0\",\"index\":{"
                + "\"other\":{\"datatype\":\"content-download\",\"path\":\"streams/v1/nope.json\"},"
                + "\"images\":{\"datatype\":\"image-downloads\",\"path\":\"streams/v1/images.json\",\"format\":\"products:1.0\"}}}");
    }

    @After
    public void tearDown() {
        downloader.close();
    }

    private static String item(String ftype, String path, String sha, long size) {
        return "\"" + ftype + "\":{\"ftype\":\"" + ftype + "\",\"path\":\"" + path + "\",\"sha256\":\"" + sha + "\",\"size\":" + size + "}";
    }

    private void products(String json) throws Exception {
        Files.writeString(server.resolve("streams/v1/images.json"), "{\"format\":\"products:1.0\",\"datatype\":\"image-downloads\",\"products\":{" + json + "}}");
    }

    private SimpleStreamsSource source() {
        return new SimpleStreamsSource(server.toUri(), downloader);
    }

    @Test
    public void newestCompleteVersionAndItsItems() throws Exception {
        products("\"debian:bookworm:amd64:default\":{\"aliases\":\"debian/bookworm/default,debian/bookworm\",\"versions\":{"
                + "\"20240101_05:24\":{\"items\":{" + item("root.tar.xz", "images/d/1/rootfs.tar.xz", A, 10) + ","
                + item("lxd.tar.xz", "images/d/1/lxd.tar.xz", B, 2) + "}},"
                + "\"20240103_05:24\":{\"items\":{" + item("root.tar.xz", "images/d/3/rootfs.tar.xz", A, 30) + "}},"
                + "\"20240102_05:24\":{\"items\":{" + item("root.tar.xz", "images/d/2/rootfs.tar.xz", A, 20) + ","
                + item("lxd.tar.xz", "images/d/2/lxd.tar.xz", B, 3) + "," + item("incus.tar.xz", "images/d/2/incus.tar.xz", C, 4) + ","
                + item("squashfs", "images/d/2/rootfs.squashfs", C, 99) + "}}}}");
        ResolvedBuild b = source().resolve(new ImageRef("debian", "bookworm", "amd64", "default"));
        // 20240103 has no metadata item: not usable, so 20240102 is the newest
        assertEquals("20240102_05:24", b.build().buildId());
        assertEquals("simplestreams", b.build().protocol());
        assertEquals(server.toUri().resolve("images/d/2/"), b.build().location());
        assertEquals(new RemoteFile("rootfs.tar.xz", server.toUri().resolve("images/d/2/rootfs.tar.xz"), 20, A), b.rootfs());
        // incus.tar.xz is preferred to lxd.tar.xz
        assertEquals(new RemoteFile("incus.tar.xz", server.toUri().resolve("images/d/2/incus.tar.xz"), 4, C), b.meta());
    }

    @Test
    public void productFieldsWhenTheKeyIsNotFourParts() throws Exception {
        products("\"odd-key\":{\"os\":\"Alpine\",\"release\":\"3.20\",\"arch\":\"x86_64\",\"versions\":{"
                + "\"v1\":{\"items\":{" + item("root.tar.xz", "x/root.tar.xz", A, 1) + "," + item("lxd.tar.xz", "x/lxd.tar.xz", B, 1) + "}}}}");
        List<ImageBuild> l = source().list();
        assertEquals(1, l.size());
        assertEquals(new ImageRef("alpine", "3.20", "amd64", "default"), l.get(0).ref());
        assertEquals("lxd.tar.xz", source().resolve(new ImageRef("alpine", "3.20", "amd64", "default")).meta().name());
    }

    @Test
    public void aliasesResolveForTheSameArchitecture() throws Exception {
        products("\"debian:12:amd64:cloud\":{\"aliases\":\"debian/bookworm/cloud\",\"versions\":{"
                + "\"v1\":{\"items\":{" + item("root.tar.xz", "c/root.tar.xz", A, 1) + "," + item("incus.tar.xz", "c/incus.tar.xz", B, 1) + "}}}},"
                + "\"debian:12:amd64:default\":{\"aliases\":\"debian/bookworm/default,debian/bookworm\",\"versions\":{"
                + "\"v2\":{\"items\":{" + item("root.tar.xz", "d/root.tar.xz", A, 1) + "," + item("incus.tar.xz", "d/incus.tar.xz", B, 1) + "}}}}");
        assertEquals(server.toUri().resolve("c/root.tar.xz"), source().resolve(new ImageRef("debian", "bookworm", "amd64", "cloud")).rootfs().uri());
        assertEquals(server.toUri().resolve("d/root.tar.xz"), source().resolve(new ImageRef("debian", "bookworm", "amd64", "default")).rootfs().uri());
        try {
            source().resolve(new ImageRef("debian", "bookworm", "arm64", "default"));
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("no image debian/bookworm/arm64/default on " + server.toUri() + "; for debian it offers the releases 12"));
        }
    }

    @Test
    public void badItemsAreRefused() throws Exception {
        products("\"debian:bookworm:amd64:default\":{\"versions\":{\"v1\":{\"items\":{"
                + item("root.tar.xz", "../../etc/passwd", A, 1) + "," + item("incus.tar.xz", "d/incus.tar.xz", B, 1) + "}}}},"
                + "\"debian:trixie:amd64:default\":{\"versions\":{\"v1\":{\"items\":{"
                + item("root.tar.xz", "t/root.tar.xz", "nothex", 1) + "," + item("incus.tar.xz", "t/incus.tar.xz", B, 1) + "}}}}");
        try {
            source().resolve(new ImageRef("debian", "bookworm", "amd64", "default"));
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'../../etc/passwd'") && e.getMessage().contains("not a relative path"));
        }
        try {
            source().resolve(new ImageRef("debian", "trixie", "amd64", "default"));
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("has no valid sha256"));
        }
    }

    @Test
    public void missingOrBrokenIndex() throws Exception {
        Files.delete(server.resolve("streams/v1/index.json"));
        assertFalse(source().available());
        Files.writeString(server.resolve("streams/v1/index.json"), "{not json");
        try {
            source().list();
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("streams/v1/index.json is not valid JSON: expected a member name in double quotes at line 1, column 2, found 'n'"));
        }
        Files.write(server.resolve("streams/v1/index.json"), new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
        try {
            source().list();
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().endsWith("streams/v1/index.json is not valid JSON: it is not UTF-8 text"));
        }
        Files.writeString(server.resolve("streams/v1/index.json"), "[" + "[".repeat(100_000));
        try {
            source().list();
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("streams/v1/index.json is not valid JSON: expected at most 512 nested arrays and objects"));
        }
        Files.writeString(server.resolve("streams/v1/index.json"), "{\"index\":{\"i\":{\"datatype\":\"image-downloads\",\"path\":\"streams/v1/gone.json\"}}}");
        try {
            source().list();
            fail();
        } catch (LxcatException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("names streams/v1/gone.json but the server does not have it"));
        }
    }
}
