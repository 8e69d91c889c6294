package org.lxcatastrophe.image.internal;

import java.nio.file.Path;

import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;

/**
 * The standard test image ({@link TestImages#build(Path)}) in a server tree under the test's temporary folder, served
 * by a real HTTP server on loopback, and a cache path beside it. Chain it inside the folder:
 * {@code RuleChain.outerRule(tmp).around(images)}.
 */
final class ServedImage extends ExternalResource {
    private final TemporaryFolder tmp;
    /** The server tree. */
    Path server;
    /** The image's build directory in {@link #server}. */
    Path build;
    /** Where the tests put the image cache (not created). */
    Path cache;
    TestServer http;

    ServedImage(TemporaryFolder tmp) {
        this.tmp = tmp;
    }

    @Override
    protected void before() throws Throwable {
        server = tmp.newFolder("server").toPath();
        cache = tmp.getRoot().toPath().resolve("cache");
        build = TestImages.build(server);
        http = new TestServer(server);
    }

    @Override
    protected void after() {
        http.close();
    }
}
