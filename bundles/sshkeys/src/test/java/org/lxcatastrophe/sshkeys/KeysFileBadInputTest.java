package org.lxcatastrophe.sshkeys;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.LxcatException;

/**
 * SSH_AUTHORIZED_KEYS_FILE that is no keys file (a directory, huge, binary, missing) and a private key pasted without
 * its armour lines: one line each, the secret never in it. A huge file was read whole into the 96 MiB heap.
 */
public class KeysFileBadInputTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static String refused(Path file) {
        try {
            SshKeyDeployer.readFile(file);
        } catch (LxcatException e) {
            assertFalse(e.getMessage(), e.getMessage().contains("\n"));
            assertTrue(e.getMessage(), e.getMessage().startsWith("SSH_AUTHORIZED_KEYS_FILE " + file));
            return e.getMessage();
        }
        fail("read " + file);
        return null;
    }

    @Test
    public void filesThatAreNoKeysFile() throws Exception {
        assertTrue(refused(tmp.getRoot().toPath()).contains("is a directory"));
        assertTrue(refused(tmp.getRoot().toPath().resolve("missing")).contains("does not exist"));
        Path huge = tmp.newFile("huge").toPath();
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(100L << 20);   // 100 MiB, sparse
        }
        assertTrue(refused(huge).contains("not an authorized_keys file"));
        Path binary = tmp.newFile("binary").toPath();
        Files.write(binary, new byte[] { 's', 's', 'h', '-', (byte) 0xff, (byte) 0xfe, 0, 1 });
        assertTrue(refused(binary).contains("is not text"));
        Path ok = tmp.newFile("ok").toPath();
        Files.writeString(ok, "# keys\n");
        assertEquals("# keys\n", SshKeyDeployer.readFile(ok));
    }

    @Test
    public void aPrivateKeyBodyWithoutArmourIsRefusedUnshown() throws Exception {
        Path key = Keys.generate(tmp.getRoot().toPath(), "ed25519", "t@x");
        List<String> lines = Files.readAllLines(key);
        List<String> body = lines.subList(1, lines.size() - 1);   // without BEGIN/END
        try {
            AuthorizedKeysParser.parse("SSH_AUTHORIZED_KEYS", "# mine\n" + String.join("\n", body) + "\n");
            fail("accepted a private key body");
        } catch (AuthorizedKeysParser.InvalidKeyException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("SSH_AUTHORIZED_KEYS line 2: this is a PRIVATE key"));
            for (String line : body) {
                assertFalse("the private key leaked", e.getMessage().contains(line.substring(0, Math.min(16, line.length()))));
            }
        }
    }
}
