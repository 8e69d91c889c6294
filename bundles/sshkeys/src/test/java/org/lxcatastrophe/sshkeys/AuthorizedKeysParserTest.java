package org.lxcatastrophe.sshkeys;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.lxcatastrophe.api.ssh.AuthorizedKey;
import org.lxcatastrophe.sshkeys.AuthorizedKeysParser.InvalidKeyException;

public class AuthorizedKeysParserTest {

    @ClassRule
    public static TemporaryFolder tmp = new TemporaryFolder();
    private static Path ed25519;
    private static Path rsa;
    private static Path ecdsa;

    @BeforeClass
    public static void keys() throws Exception {
        Path dir = tmp.getRoot().toPath();
        ed25519 = Keys.generate(dir, "ed25519", "alice@laptop");
        rsa = Keys.generate(dir, "rsa", "bob@desk");
        ecdsa = Keys.generate(dir, "ecdsa", "carol");
    }

    @Test
    public void realKeysOfEveryCommonTypeParse() throws Exception {
        String text = "# team keys\n\n" + Keys.publicLine(ed25519) + "\n" + Keys.publicLine(rsa) + "\r\n   \n"
                + Keys.publicLine(ecdsa) + "\n";
        List<AuthorizedKey> keys = AuthorizedKeysParser.parse("SSH_AUTHORIZED_KEYS", text);
        assertEquals(3, keys.size());
        assertEquals("ssh-ed25519", keys.get(0).type());
        assertEquals("alice@laptop", keys.get(0).comment());
        assertEquals("ssh-rsa", keys.get(1).type());
        assertEquals("ecdsa-sha2-nistp256", keys.get(2).type());
        assertEquals(Keys.publicLine(ed25519), keys.get(0).toLine());
    }

    @Test
    public void optionsAreKeptAndValidated() throws Exception {
        String line = "from=\"10.0.0.0/8,192.168.1.1\",command=\"echo \\\"hi, there\\\"\",no-pty,restrict "
                + Keys.publicLine(ed25519);
        AuthorizedKey key = AuthorizedKeysParser.parseLine(line);
        assertEquals("from=\"10.0.0.0/8,192.168.1.1\",command=\"echo \\\"hi, there\\\"\",no-pty,restrict", key.options());
        assertEquals(line, key.toLine());
    }

    @Test
    public void badOptionsAreRejectedWithTheReason() throws Exception {
        String pub = Keys.publicLine(ed25519);
        assertInvalid("no-pty,bogus-option " + pub, "unknown option 'bogus-option'");
        assertInvalid("command=echo " + pub, "must be in double quotes");
        assertInvalid("command=\"echo " + pub, "no closing double quote");
        assertInvalid("no-pty,,restrict " + pub, "empty option");
        assertInvalid("from " + pub, "needs a value");
    }

    @Test
    public void garbageIsRejectedWithLineNumberAndReasonButNotEchoed() throws Exception {
        String pub = Keys.publicLine(ed25519);
        String[] parts = pub.split(" ");
        String truncated = parts[0] + " " + parts[1].substring(0, 30) + " x";
        try {
            AuthorizedKeysParser.parse("SSH_AUTHORIZED_KEYS", pub + "\n" + truncated + "\n");
            fail("accepted a truncated key");
        } catch (InvalidKeyException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("SSH_AUTHORIZED_KEYS line 2: "));
            assertFalse("the message echoes the key data", e.getMessage().contains(parts[1].substring(0, 30)));
        }
        assertInvalid("hello world", "no key type found");
        assertInvalid("ssh-ed25519", "no base64 key data");
        assertInvalid("ssh-ed25519 !!!notbase64!!!", "not valid base64");
        assertInvalid("ssh-foo AAAAB3NzaC1", "unknown key type 'ssh-foo'");
    }

    @Test
    public void typeAndDataMustBelongTogether() throws Exception {
        String[] rsaParts = Keys.publicLine(rsa).split(" ");
        assertInvalid("ssh-ed25519 " + rsaParts[1], "is a 'ssh-rsa' key, not ssh-ed25519");
        String[] edParts = Keys.publicLine(ed25519).split(" ");
        byte[] blob = Base64.getDecoder().decode(edParts[1]);
        byte[] longer = java.util.Arrays.copyOf(blob, blob.length + 3);
        assertInvalid("ssh-ed25519 " + Base64.getEncoder().encodeToString(longer), "unexpected trailing bytes");
        byte[] shorter = java.util.Arrays.copyOf(blob, blob.length - 5);
        assertInvalid("ssh-ed25519 " + Base64.getEncoder().encodeToString(shorter), "truncated");
    }

    @Test
    public void aPastedPrivateKeyIsRefusedWithoutPrintingIt() throws Exception {
        String secret = Files.readString(ed25519);
        try {
            AuthorizedKeysParser.parse("SSH_AUTHORIZED_KEYS", Keys.publicLine(rsa) + "\n" + secret);
            fail("accepted a private key");
        } catch (InvalidKeyException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("line 2: this is a PRIVATE key"));
            for (String secretLine : secret.split("\n")) {
                if (secretLine.length() > 20 && !secretLine.startsWith("-----")) {
                    assertFalse("the private key leaked into the message", e.getMessage().contains(secretLine));
                }
            }
        }
    }

    private static void assertInvalid(String line, String reason) {
        try {
            AuthorizedKeysParser.parse("test", line);
            fail("accepted: " + line);
        } catch (InvalidKeyException e) {
            assertTrue("expected '" + reason + "' in: " + e.getMessage(), e.getMessage().contains(reason));
            assertTrue(e.getMessage(), e.getMessage().startsWith("test line 1: "));
        }
    }
}
