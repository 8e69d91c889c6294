package org.lxcatastrophe.lifecycle.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Which plugin jars a start still waits for, from the folders' contents and the bundles' locations. */
public class PluginDirectoriesTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void jarsOfEveryExistingFolderAreListedAndOtherFilesIgnored() throws Exception {
        Path deploy = tmp.newFolder("deploy").toPath();
        Path plugins = tmp.newFolder("plugins").toPath();
        Files.writeString(deploy.resolve("b.jar"), "x");
        Files.writeString(deploy.resolve("notes.txt"), "x");
        Files.createDirectory(deploy.resolve("dir.jar"));
        Files.writeString(plugins.resolve("a.jar"), "x");
        PluginDirectories dirs = new PluginDirectories(List.of(deploy, plugins, tmp.getRoot().toPath().resolve("missing")));
        assertEquals(List.of(deploy.toRealPath().resolve("b.jar"), plugins.toRealPath().resolve("a.jar")), dirs.jars());
    }

    @Test
    public void aJarIsPendingUntilAnActiveBundleWasInstalledFromIt() throws Exception {
        Path deploy = tmp.newFolder("deploy").toPath().toRealPath();
        Files.writeString(deploy.resolve("a.jar"), "x");
        Files.writeString(deploy.resolve("b.jar"), "x");
        List<Path> jars = new PluginDirectories(List.of(deploy)).jars();
        // FileInstall's location form: file:<absolute path>
        Path a = PluginDirectories.fileLocation("file:" + deploy.resolve("a.jar"));
        assertEquals(List.of(deploy.resolve("b.jar")), PluginDirectories.pending(jars, Set.of(a)));
        assertEquals(List.of(), PluginDirectories.pending(jars, Set.of(a,
                PluginDirectories.fileLocation(deploy.resolve("b.jar").toUri().toString()))));
    }

    @Test
    public void locationsThatAreNotFilesAreIgnored() {
        assertNull(PluginDirectories.fileLocation("mvn:org.example/x/1.0"));
        assertNull(PluginDirectories.fileLocation(null));
        assertNull(PluginDirectories.fileLocation("file:relative path with spaces"));
    }
}
