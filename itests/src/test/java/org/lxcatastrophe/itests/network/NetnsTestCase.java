package org.lxcatastrophe.itests.network;

import java.nio.file.Path;

import org.junit.After;
import org.junit.Before;

/**
 * A test that gets a fresh namespace testbed for each test method: made before it (skipped where the host cannot run
 * it), closed after it even when it fails.
 */
abstract class NetnsTestCase {
    protected NetnsTestbed bed;
    /** The testbed images server (built when missing) holding {@link #variant()}. */
    protected Path server;

    /** The testbed image variant the test boots. */
    protected String variant() {
        return "default";
    }

    @Before
    public void makeTestbed() throws Exception {
        NetnsTestbed.assumeUsable();
        server = NetnsTestbed.imageServer(variant());
        bed = new NetnsTestbed();
    }

    @After
    public void closeTestbed() {
        if (bed != null) {
            bed.close();
        }
    }
}
